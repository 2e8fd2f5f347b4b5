import type { Role, UserView } from "../../shared/api/api-contract";
import type { Db } from "../store/database";

interface UserRow {
  id: number;
  name: string;
  password_hash: string;
  role: Role;
  created_at: number;
  password_changed_at: number;
}

export interface UserRecord extends UserView {
  passwordHash: string;
}

function record(row: UserRow): UserRecord {
  return { id: row.id, name: row.name, role: row.role, createdAt: row.created_at, passwordChangedAt: row.password_changed_at, passwordHash: row.password_hash };
}

export function userView({ passwordHash: _hash, ...view }: UserRecord): UserView {
  return view;
}

/** Why a change to the users was refused: it would leave nobody able to administer Baton. */
export class LastAdminError extends Error {}
export class DuplicateUser extends Error {}

/** The `users` table. Names are unique regardless of case. */
export class UserStore {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM users`).get() as { n: number }).n;
  }

  list(): UserRecord[] {
    return (this.db.prepare(`SELECT * FROM users ORDER BY name COLLATE NOCASE`).all() as UserRow[]).map(record);
  }

  get(id: number): UserRecord | null {
    const row = this.db.prepare(`SELECT * FROM users WHERE id = ?`).get(id) as UserRow | undefined;
    return row ? record(row) : null;
  }

  findByName(name: string): UserRecord | null {
    const row = this.db.prepare(`SELECT * FROM users WHERE name = ?`).get(name) as UserRow | undefined;
    return row ? record(row) : null;
  }

  create(name: string, passwordHash: string, role: Role): UserRecord {
    const now = Date.now();
    try {
      const { lastInsertRowid } = this.db
        .prepare(`INSERT INTO users (name, password_hash, role, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)`)
        .run(name, passwordHash, role, now, now);
      return this.get(Number(lastInsertRowid))!;
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new DuplicateUser(`there is already a user ${name}`);
      throw error;
    }
  }

  /** A new password hash ends every session of the user. */
  setPassword(id: number, passwordHash: string): void {
    this.db.transaction(() => {
      this.db.prepare(`UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`).run(passwordHash, Date.now(), id);
      this.db.prepare(`DELETE FROM sessions WHERE user_id = ?`).run(id);
    })();
  }

  setRole(id: number, role: Role): void {
    this.db.transaction(() => {
      const user = this.get(id);
      if (user?.role === "admin" && role !== "admin" && this.admins() === 1) throw new LastAdminError(`${user.name} is the last admin; make another user admin first`);
      this.db.prepare(`UPDATE users SET role = ? WHERE id = ?`).run(role, id);
    })();
  }

  /** Deletes the user and (by cascade) their sessions. */
  delete(id: number): void {
    this.db.transaction(() => {
      const user = this.get(id);
      if (user?.role === "admin" && this.admins() === 1) throw new LastAdminError(`${user.name} is the last admin and cannot be deleted`);
      this.db.prepare(`DELETE FROM sessions WHERE user_id = ?`).run(id);
      this.db.prepare(`DELETE FROM users WHERE id = ?`).run(id);
    })();
  }

  private admins(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin'`).get() as { n: number }).n;
  }
}
