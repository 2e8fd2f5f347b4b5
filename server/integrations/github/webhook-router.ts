import { Router, type Request, type Response } from "express";
import type { ApiError } from "../../../shared/api/api-contract";
import type { RepositoryIntegrations } from "../repositories";
import { parsePayload } from "../repositories";
import { SecretUnreadable } from "../repositories/secret-box";
import { actionOf, repositoryNameOf } from "./github-events";
import { BodyTooLarge, readRawBody } from "./raw-body";
import { verifySignature } from "./webhook-signature";

/** GitHub caps a delivery at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/**
 * `POST /api/webhooks/github`, mounted before any body parser: the signature is over the raw
 * bytes. No session or token: the X-Hub-Signature-256 HMAC with the repository's secret is the
 * authentication. The payload is parsed before the signature is checked because the secret
 * depends on the repository it names; every refusal is logged as a rejected delivery.
 */
export function githubWebhookRouter(integrations: RepositoryIntegrations): Router {
  const router = Router();
  router.post("/github", async (req: Request, res: Response) => {
    const answered = integrations.enterIntake();
    res.once("close", answered);
    const event = header(req, "x-github-event");
    const guid = header(req, "x-github-delivery") ?? null;
    const contentType = header(req, "content-type") ?? null;
    const source = header(req, "x-baton-test-delivery") === "1" ? "test" : "github";
    const refuse = (status: number, code: string, message: string, logged: { repositoryId?: number | null; repository?: string | null; action?: string | null } = {}) => {
      const id = integrations.reject({
        repositoryId: logged.repositoryId ?? null,
        repository: logged.repository ?? null,
        source,
        event: event ?? "unknown",
        action: logged.action ?? null,
        guid,
        status,
        reason: message,
      });
      const body: ApiError & { delivery: number } = { error: { code, message }, delivery: id };
      sendJson(res, status, body);
    };

    let raw: Buffer;
    try {
      raw = await readRawBody(req, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        refuse(413, "payload_too_large", `${error.message} (GitHub's limit is 25 MB)`);
        return;
      }
      if (!res.headersSent && !req.destroyed) refuse(400, "bad_body", (error as Error).message);
      return;
    }
    if (!event) return refuse(400, "bad_request", "no X-GitHub-Event header");
    let payload: unknown;
    try {
      payload = parsePayload(raw, contentType);
    } catch (error) {
      return refuse(400, "malformed_payload", (error as Error).message);
    }
    const name = repositoryNameOf(payload);
    const action = actionOf(payload);
    if (!name) return refuse(400, "no_repository", "the payload names no repository (repository.full_name)", { action });
    const repository = integrations.repositories.findByName(name);
    if (!repository) return refuse(404, "unknown_repository", `no repository ${name} is set up in Baton`, { repository: name, action });
    const logged = { repositoryId: repository.id, repository: repository.name, action };
    let secret: Buffer;
    try {
      secret = integrations.repositories.webhookSecret(repository.id);
    } catch (error) {
      if (error instanceof SecretUnreadable) return refuse(500, "secret_unreadable", error.message, logged);
      throw error;
    }
    const check = verifySignature(secret, raw, header(req, "x-hub-signature-256"));
    if (!check.ok) return refuse(401, "bad_signature", check.reason, logged);

    const { status, answer } = await integrations.acceptGithub({ repository, event, guid, payload, body: raw, contentType, source });
    sendJson(res, status, answer);
  });
  return router;
}

/** The answer without Express's send (no ETag to hash): this route is on the hot path of every delivery. */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
