import { NavLink, Navigate, Outlet } from "react-router";

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded-md px-2.5 py-1.5 text-sm ${isActive ? "bg-slate-100 font-medium text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900"}`;

/** Settings: a side menu of its sections, the section beside it. */
export function SettingsLayout() {
  return (
    <div className="flex h-full" data-testid="settings-layout">
      <aside className="w-48 shrink-0 border-r border-slate-200 bg-white p-3">
        <p className="px-2.5 pb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Settings</p>
        <nav aria-label="Settings" className="space-y-0.5">
          <NavLink to="/settings/repositories" className={linkClass}>
            Repositories
          </NavLink>
        </nav>
      </aside>
      <div className="min-w-0 flex-1 overflow-auto">
        <Outlet />
      </div>
    </div>
  );
}

/** `/settings` opens its first section. */
export function SettingsIndex() {
  return <Navigate to="/settings/repositories" replace />;
}
