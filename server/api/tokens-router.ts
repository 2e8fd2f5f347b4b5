import { Router } from "express";
import { TokenCreate, type TokenCreated } from "../../shared/api/api-contract";
import { HttpError, parseWith } from "./api-errors";
import { requireRole, type Auth } from "./auth";
import { TokenFromEnvironment } from "./token-store";

/** `/api/tokens`: API tokens, shown once when made, revoked here. */
export function tokensRouter(auth: Auth): Router {
  const router = Router();
  router.use(requireRole("admin"));

  router.get("/", (_req, res) => {
    res.json({ tokens: auth.tokens.list() });
  });

  router.post("/", (req, res) => {
    const input = parseWith(TokenCreate, req.body, "token");
    const body: TokenCreated = auth.tokens.create(input.name, input.role, req.principal!.name);
    res.status(201).json(body);
  });

  router.delete("/:id", (req, res) => {
    const id = Number(req.params.id);
    let revoked: boolean;
    try {
      revoked = Number.isSafeInteger(id) && String(id) === req.params.id && auth.tokens.revoke(id);
    } catch (error) {
      if (error instanceof TokenFromEnvironment) throw new HttpError(409, "conflict", error.message);
      throw error;
    }
    if (!revoked) throw new HttpError(404, "not_found", `no token ${req.params.id}`);
    res.status(204).end();
  });

  return router;
}
