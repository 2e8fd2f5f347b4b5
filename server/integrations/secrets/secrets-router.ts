import { Router, type Request, type Response } from "express";
import { SecretName, SecretSet, type SecretList } from "../../../shared/api/secrets";
import { HttpError, parseWith } from "../../api/api-errors";
import { requireRole } from "../../api/auth";
import type { RepositoryStore } from "../repositories/repository-store";
import type { SecretStore } from "./secret-store";

const admin = requireRole("admin");

function nameParam(req: Request): string {
  return parseWith(SecretName, req.params.name, "secret name");
}

function who(req: Request): string | null {
  return req.principal ? req.principal.name : null;
}

/** The three routes of one scope: list names, set a value, delete. No answer ever holds a value. */
function scopeRoutes(router: Router, base: string, secrets: SecretStore, scopeOf: (req: Request) => number | null): void {
  router.get(base || "/", admin, (req: Request, res: Response) => {
    const body: SecretList = { secrets: secrets.list(scopeOf(req)) };
    res.json(body);
  });
  router.put(`${base}/:name`, admin, (req: Request, res: Response) => {
    const repositoryId = scopeOf(req);
    const name = nameParam(req);
    const { value } = parseWith(SecretSet, req.body, "secret");
    res.json(secrets.set(repositoryId, name, value, who(req)));
  });
  router.delete(`${base}/:name`, admin, (req: Request, res: Response) => {
    const repositoryId = scopeOf(req);
    const name = nameParam(req);
    if (!secrets.delete(repositoryId, name)) throw new HttpError(404, "not_found", `no secret ${name}`);
    res.status(204).end();
  });
}

/** `/api/secrets`: global secrets (every registered repository's pipelines get them). Admin only. */
export function globalSecretsRouter(secrets: SecretStore): Router {
  const router = Router();
  scopeRoutes(router, "", secrets, () => null);
  return router;
}

/** `/api/repositories/:id/secrets`: one repository's secrets. Admin only. */
export function repositorySecretsRouter(secrets: SecretStore, repositories: RepositoryStore): Router {
  const router = Router();
  scopeRoutes(router, "/:id/secrets", secrets, (req) => {
    const value = req.params.id as string | undefined;
    const id = Number(value);
    if (!Number.isSafeInteger(id) || id <= 0 || String(id) !== value || !repositories.get(id)) throw new HttpError(404, "not_found", `no repository ${value}`);
    return id;
  });
  return router;
}
