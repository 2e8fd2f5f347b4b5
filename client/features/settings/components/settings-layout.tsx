import { NavLink, Navigate, Outlet } from "react-router";
import { roleCan } from "../../../../shared/api/roles";
import { useSession } from "../../sign-in";

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-md px-2.5 py-1.5 text-sm ${isActive ? "bg-slate-100 font-medium text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"}`;

/** Settings: a side menu of its sections, the section beside it. */
export function SettingsLayout() {
  const { session } = useSession();
  // Settings are the admins'; while the session is being checked the page renders optimistically.
  const denied = session.status === "signedIn" && !roleCan(session.user.role, "administer");
  return (
    <div className="flex h-full" data-testid="settings-layout">
      <aside className="w-48 shrink-0 border-r border-slate-200 bg-white p-3">
        <p className="px-2.5 pb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Settings</p>
        <nav aria-label="Settings" className="space-y-0.5">
          <NavLink to="/settings/repositories" className={linkClass}>
            Repositories
          </NavLink>
          <NavLink to="/settings/secrets" className={linkClass}>
            Secrets
          </NavLink>
          <NavLink to="/settings/users" className={linkClass}>
            Users
          </NavLink>
          <NavLink to="/settings/tokens" className={linkClass}>
            API tokens
          </NavLink>
        </nav>
      </aside>
      <div className="min-w-0 flex-1 overflow-auto">
        {denied ? (
          <p className="p-4 text-sm text-slate-600" data-testid="settings-denied">
            Settings are for admins; you are signed in as {session.user.role}.
          </p>
        ) : (
          <Outlet />
        )}
      </div>
    </div>
  );
}

/** `/settings` opens its first section. */
export function SettingsIndex() {
  return <Navigate to="/settings/repositories" replace />;
}
