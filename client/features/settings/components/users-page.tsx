import { useState } from "react";
import type { FormEvent } from "react";
import { UserCreate, type Role, type UserView } from "../../../../shared/api/api-contract";
import { Button, ConfirmDialog, ErrorAlert, Spinner } from "../../../components/ui";
import { formatRelative } from "../../../lib/format";
import { useSession } from "../../sign-in";
import { useCreateUser, useDeleteUser, useUpdateUser, useUsers } from "../hooks/use-users";
import { Field, IssuesAlert, Section, inputClass } from "./field";
import { ROLE_HINT, RoleSelect } from "./role-select";

function issuesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return result.success ? [] : (result.error?.issues ?? []).map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`);
}

function AddUserForm({ onDone }: { onDone: () => void }) {
  const create = useCreateUser();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [issues, setIssues] = useState<string[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = UserCreate.safeParse({ name: name.trim(), password, role });
    setIssues(issuesOf(parsed));
    if (parsed.success) create.mutate(parsed.data, { onSuccess: onDone });
  };

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="add-user-form">
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="User name">
          <input className={inputClass} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Initial password" hint="At least 8 characters; they can change it from their menu.">
          <input className={inputClass} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label="Role" hint={ROLE_HINT}>
          <RoleSelect value={role} onChange={setRole} />
        </Field>
      </div>
      <IssuesAlert issues={issues} />
      <ErrorAlert error={create.error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

function ResetPasswordForm({ user, onDone }: { user: UserView; onDone: () => void }) {
  const update = useUpdateUser();
  const [password, setPassword] = useState("");
  const [issues, setIssues] = useState<string[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = UserCreate.shape.password.safeParse(password);
    setIssues(parsed.success ? [] : parsed.error.issues.map((issue) => `password: ${issue.message}`));
    if (parsed.success) update.mutate({ id: user.id, patch: { password } }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-start gap-2" aria-label={`New password for ${user.name}`}>
      <input
        className={`${inputClass} max-w-56`}
        type="password"
        autoComplete="new-password"
        aria-label={`New password for ${user.name}`}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoFocus
      />
      <Button type="submit" variant="primary" disabled={update.isPending}>
        Set password
      </Button>
      <Button onClick={onDone}>Cancel</Button>
      <div className="w-full">
        <IssuesAlert issues={issues} />
        <ErrorAlert error={update.error} />
      </div>
    </form>
  );
}

function UserRow({ user, isMe }: { user: UserView; isMe: boolean }) {
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const [resetting, setResetting] = useState(false);
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <tr className="border-t border-slate-100 align-top" data-testid="user-row" data-user={user.name}>
        <td className="px-3 py-2 font-medium text-slate-900">
          {user.name}
          {isMe && <span className="ml-1 text-xs text-slate-500">(you)</span>}
        </td>
        <td className="px-3 py-2">
          <RoleSelect label={`Role of ${user.name}`} value={user.role} disabled={update.isPending} onChange={(role) => update.mutate({ id: user.id, patch: { role } })} />
        </td>
        <td className="px-3 py-2 text-slate-600">{formatRelative(user.passwordChangedAt)}</td>
        <td className="px-3 py-2 text-right">
          <div className="flex justify-end gap-2">
            <Button onClick={() => setResetting((v) => !v)}>Reset password</Button>
            <Button variant="danger" disabled={isMe} title={isMe ? "Another admin can delete you" : undefined} onClick={() => setConfirming(true)}>
              Delete
            </Button>
          </div>
          <ConfirmDialog
            open={confirming}
            title={`Delete ${user.name}?`}
            confirmLabel="Delete user"
            danger
            onCancel={() => setConfirming(false)}
            onConfirm={() => {
              setConfirming(false);
              remove.mutate(user.id);
            }}
          >
            They are signed out at once and cannot sign in again.
          </ConfirmDialog>
        </td>
      </tr>
      {(resetting || update.error || remove.error) && (
        <tr>
          <td colSpan={4} className="px-3 pb-3">
            {resetting && <ResetPasswordForm user={user} onDone={() => setResetting(false)} />}
            <ErrorAlert error={update.error ?? remove.error} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Settings → Users (admins): who may sign in, and with what role. */
export function UsersPage() {
  const users = useUsers();
  const { session } = useSession();
  const [adding, setAdding] = useState(false);
  const me = session.status === "signedIn" ? session.user.name.toLowerCase() : null;
  return (
    <main className="mx-auto max-w-5xl space-y-4 p-4" data-testid="settings-users-page">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold text-slate-900">Users</h1>
          <p className="text-sm text-slate-600">{ROLE_HINT}. A new password signs the user out everywhere; the last admin stays an admin.</p>
        </div>
        {!adding && (
          <Button variant="primary" onClick={() => setAdding(true)}>
            Add user
          </Button>
        )}
      </div>
      {adding && (
        <Section title="Add user">
          <AddUserForm onDone={() => setAdding(false)} />
        </Section>
      )}
      {users.isPending ? (
        <Spinner />
      ) : users.isError ? (
        <ErrorAlert error={users.error} />
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-3 py-2">Name</th>
                <th className="px-3 py-2">Role</th>
                <th className="px-3 py-2">Password set</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <UserRow key={user.id} user={user} isMe={user.name.toLowerCase() === me} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
