import { Link, Outlet } from "react-router";
import { UserMenu, useCan } from "../../features/sign-in";
import { ConnectionStatus } from "./connection-status";

export function AppShell() {
  const administer = useCan("administer");
  return (
    <div className="flex h-screen flex-col bg-slate-50 text-slate-900">
      <header className="flex h-11 shrink-0 items-center gap-4 border-b border-slate-200 bg-white px-4">
        <Link to="/" className="font-semibold tracking-tight text-slate-900">
          Baton
        </Link>
        <nav className="flex gap-3 text-sm text-slate-600">
          <Link to="/" className="hover:text-slate-900">
            Pipelines
          </Link>
          {administer && (
            <Link to="/settings" className="hover:text-slate-900" data-testid="nav-settings">
              Settings
            </Link>
          )}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
          <ConnectionStatus />
          <UserMenu />
        </div>
      </header>
      <div className="min-h-0 flex-1">
        <Outlet />
      </div>
    </div>
  );
}
