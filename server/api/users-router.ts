import { Router, type Request } from "express";
import { UserCreate, UserUpdate } from "../../shared/api/api-contract";
import { HttpError, parseWith } from "./api-errors";
import { requireRole, type Auth } from "./auth";
import { hashPassword } from "./password-hashing";
import { DuplicateUser, LastAdminError, userView, type UserRecord } from "./user-store";

function refusals<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof LastAdminError || error instanceof DuplicateUser) throw new HttpError(409, "conflict", error.message);
    throw error;
  }
}

/** `/api/users`: the admins' users page. A new password for a user ends their sessions. */
export function usersRouter(auth: Auth): Router {
  const router = Router();
  router.use(requireRole("admin"));
  const find = (req: Request): UserRecord => {
    const id = Number(req.params.id);
    const user = Number.isSafeInteger(id) && String(id) === req.params.id ? auth.users.get(id) : null;
    if (!user) throw new HttpError(404, "not_found", `no user ${String(req.params.id)}`);
    return user;
  };

  router.get("/", (_req, res) => {
    res.json({ users: auth.users.list().map(userView) });
  });

  router.post("/", async (req, res) => {
    const input = parseWith(UserCreate, req.body, "user");
    if (auth.users.findByName(input.name)) throw new HttpError(409, "conflict", `there is already a user ${input.name}`);
    const passwordHash = await hashPassword(input.password);
    res.status(201).json(userView(refusals(() => auth.users.create(input.name, passwordHash, input.role))));
  });

  router.patch("/:id", async (req, res) => {
    const user = find(req);
    const patch = parseWith(UserUpdate, req.body, "user update");
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    if (patch.role !== undefined) refusals(() => auth.users.setRole(user.id, patch.role!));
    if (passwordHash !== undefined) auth.users.setPassword(user.id, passwordHash);
    res.json(userView(auth.users.get(user.id)!));
  });

  router.delete("/:id", (req, res) => {
    const user = find(req);
    if (req.authenticatedBy === "session" && user.name.toLowerCase() === req.principal!.name.toLowerCase()) {
      throw new HttpError(409, "conflict", "you cannot delete yourself; another admin can");
    }
    refusals(() => auth.users.delete(user.id));
    res.status(204).end();
  });

  return router;
}
