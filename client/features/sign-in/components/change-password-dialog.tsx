import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { Password } from "../../../../shared/api/api-contract";
import { Button, ErrorAlert } from "../../../components/ui";
import { changePassword } from "../api/session-api";

const inputClass =
  "w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500";

/** Changes the signed-in user's password; every other browser signed in as them is signed out. */
export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const close = () => {
    setCurrent("");
    setNext("");
    setRepeat("");
    setError(null);
    setDone(false);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = Password.safeParse(next);
    if (!checked.success) return setError(new Error(`The new password needs ${checked.error.issues[0]?.message ?? "to be longer"}.`));
    if (next !== repeat) return setError(new Error("The two new passwords differ."));
    setPending(true);
    setError(null);
    try {
      await changePassword({ currentPassword: current, newPassword: next });
      setDone(true);
    } catch (cause) {
      setError(cause as Error);
    } finally {
      setPending(false);
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby="change-password-title"
      data-testid="change-password-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
      className="m-auto w-96 rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/30"
    >
      {open && (
        <form onSubmit={submit} className="space-y-3 p-4">
          <h2 id="change-password-title" className="text-base font-semibold text-slate-900">
            Change password
          </h2>
          {done ? (
            <p className="text-sm text-slate-700" role="status">
              Password changed. Every other browser signed in as you has been signed out.
            </p>
          ) : (
            <>
              <label className="block space-y-1">
                <span className="text-sm font-medium text-slate-700">Current password</span>
                <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} className={inputClass} />
              </label>
              <label className="block space-y-1">
                <span className="text-sm font-medium text-slate-700">New password</span>
                <input type="password" autoComplete="new-password" required minLength={8} value={next} onChange={(e) => setNext(e.target.value)} className={inputClass} />
              </label>
              <label className="block space-y-1">
                <span className="text-sm font-medium text-slate-700">New password again</span>
                <input type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} className={inputClass} />
              </label>
              <ErrorAlert error={error} />
            </>
          )}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>{done ? "Close" : "Cancel"}</Button>
            {!done && (
              <Button type="submit" variant="primary" disabled={pending || !current || !next || !repeat}>
                {pending ? "Changing…" : "Change password"}
              </Button>
            )}
          </div>
        </form>
      )}
    </dialog>
  );
}
