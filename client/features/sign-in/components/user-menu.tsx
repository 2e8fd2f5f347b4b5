import { useEffect, useRef, useState } from "react";
import { useSession } from "../hooks/session-context";
import { ChangePasswordDialog } from "./change-password-dialog";

/** The header's user button: who is signed in, with what role; change password, sign out. */
export function UserMenu() {
  const { session, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (session.status !== "signedIn") return null;
  const itemClass = "block w-full px-3 py-1.5 text-left text-sm text-slate-700 hover:bg-slate-100";
  return (
    <div className="relative" ref={ref}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="user-menu"
        className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100"
        onClick={() => setOpen((value) => !value)}
      >
        {session.user.name} <span className="text-slate-400">({session.user.role})</span> ▾
      </button>
      {open && (
        <div role="menu" className="absolute right-0 z-20 mt-1 w-48 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
          <button
            type="button"
            role="menuitem"
            className={itemClass}
            onClick={() => {
              setOpen(false);
              setChanging(true);
            }}
          >
            Change password
          </button>
          <button type="button" role="menuitem" className={itemClass} onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      )}
      <ChangePasswordDialog open={changing} onClose={() => setChanging(false)} />
    </div>
  );
}
