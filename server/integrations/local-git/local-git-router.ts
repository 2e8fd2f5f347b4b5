import fs from "node:fs";
import { Router, type Request } from "express";
import { HookTokenRequest, LocalGitNotification, type HookTokenResult } from "../../../shared/api/repositories";
import { HttpError, parseWith } from "../../api/api-errors";
import type { Auth } from "../../api/auth";
import { roleCan } from "../../../shared/api/roles";
import type { RepositoryIntegrations } from "../repositories";
import { gitRun } from "../repositories/repository-mirror";

/** The repository's real path, if it is a git repository on this machine. */
async function repositoryPath(repo: string): Promise<string> {
  let real: string;
  try {
    real = fs.realpathSync(repo);
  } catch {
    throw new HttpError(400, "bad_repo", `${repo} does not exist on the server's machine`);
  }
  const ok = await gitRun(["rev-parse", "--git-dir"], { cwd: real }, null).then(
    () => true,
    () => false,
  );
  if (!ok) throw new HttpError(400, "bad_repo", `${repo} is not a git repository`);
  return real;
}

function bearer(req: Request): string | null {
  return req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? null;
}

/**
 * `/api/hooks`, mounted before the API's auth: a hook installed by `baton hook install` reports
 * a ref update with its per-hook token (good for its repository only) or the admin token.
 */
export function localGitRouter(integrations: RepositoryIntegrations, auth: Auth): Router {
  const router = Router();

  router.post("/local-git", async (req, res) => {
    const token = bearer(req);
    const admin = auth.identify(req.headers.authorization, req.headers.cookie);
    if (!token && !admin) throw new HttpError(401, "unauthorized", "send the hook's token: Authorization: Bearer <token>");
    if (admin && !roleCan(admin.role, "operate")) throw new HttpError(403, "forbidden", `launching needs the operator or admin role; you are ${admin.role}`);
    const notification = parseWith(LocalGitNotification, req.body, "local git notification");
    const repoPath = await repositoryPath(notification.repo);
    if (!admin && !(token && integrations.hookTokens.allows(token, repoPath))) {
      throw new HttpError(401, "unauthorized", `that token is not valid for ${notification.repo}`);
    }
    const { user, ...update } = notification;
    const { status, answer } = await integrations.notifyLocalGit({ ...update, repo: repoPath }, admin ? admin.name : "hook", user);
    res.status(status).json(answer);
  });

  router.post("/local-git/tokens", async (req, res) => {
    const admin = auth.identify(req.headers.authorization, req.headers.cookie);
    if (!admin) throw new HttpError(401, "unauthorized", "issuing a hook token needs an admin token");
    if (admin.role !== "admin") throw new HttpError(403, "forbidden", `issuing a hook token needs the admin role; you are ${admin.role}`);
    const { repo } = parseWith(HookTokenRequest, req.body, "hook token request");
    const repoPath = await repositoryPath(repo);
    const body: HookTokenResult = { token: integrations.hookTokens.issue(repoPath), repo: repoPath };
    res.status(201).json(body);
  });

  return router;
}
