import crypto from "node:crypto";
import { Router, type Request } from "express";
import {
  DeliveriesQuery,
  RepositoryCreate,
  RepositoryUpdate,
  TestDeliveryRequest,
  type RepositoryWithSecret,
  type TestDeliveryResult,
} from "../../../shared/api/repositories";
import { HttpError, parseWith } from "../../api/api-errors";
import { requireRole } from "../../api/auth";
import { signBody } from "../github/webhook-signature";
import { MirrorError } from "./repository-mirror";
import { DuplicateRepository, type RepositoryIntegrations, type RepositoryRecord } from "./index";

function idParam(value: string | undefined, what: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0 || String(id) !== value) throw new HttpError(404, "not_found", `no ${what} ${value}`);
  return id;
}

function conflictOnDuplicate<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof DuplicateRepository) throw new HttpError(409, "conflict", error.message);
    throw error;
  }
}

/** `/api/repositories`: the settings page's repositories (admin). */
export function repositoriesRouter(integrations: RepositoryIntegrations): Router {
  const router = Router();
  router.use(requireRole("admin"));
  const find = (req: Request): RepositoryRecord => {
    const id = idParam(req.params.id as string | undefined, "repository");
    const record = integrations.repositories.get(id);
    if (!record) throw new HttpError(404, "not_found", `no repository ${id}`);
    return record;
  };

  router.get("/", (_req, res) => {
    res.json({ repositories: integrations.repositories.list().map((record) => integrations.view(record)) });
  });

  router.post("/", (req, res) => {
    const input = parseWith(RepositoryCreate, req.body, "repository");
    const { record, webhookSecret } = conflictOnDuplicate(() => integrations.createRepository(input));
    const body: RepositoryWithSecret = { ...integrations.view(record), webhookSecret };
    res.status(201).json(body);
  });

  router.get("/:id", (req, res) => {
    res.json(integrations.view(find(req)));
  });

  router.patch("/:id", (req, res) => {
    const record = find(req);
    const patch = parseWith(RepositoryUpdate, req.body, "repository update");
    const updated = conflictOnDuplicate(() => integrations.updateRepository(record.id, patch));
    if (!updated) throw new HttpError(404, "not_found", `no repository ${record.id}`);
    res.json(integrations.view(updated));
  });

  router.delete("/:id", (req, res) => {
    const record = find(req);
    integrations.deleteRepository(record.id);
    res.status(204).end();
  });

  router.post("/:id/rotate-secret", (req, res) => {
    const record = find(req);
    const webhookSecret = integrations.repositories.rotateSecret(record.id);
    if (webhookSecret === null) throw new HttpError(404, "not_found", `no repository ${record.id}`);
    const body: RepositoryWithSecret = { ...integrations.view(integrations.repositories.get(record.id)!), webhookSecret };
    res.json(body);
  });

  /**
   * A delivery as GitHub would send it — a push of the default branch's head, or a ping —
   * signed with the repository's secret and POSTed to this server's own webhook endpoint, so
   * that the whole path (signature, mapping, cfg, launch) is exercised.
   */
  router.post("/:id/test-delivery", async (req, res) => {
    const record = find(req);
    const { event } = parseWith(TestDeliveryRequest, req.body ?? {}, "test delivery");
    const [owner, name] = record.name.split("/") as [string, string];
    const sender = req.principal?.name ?? "baton";
    const repository = { full_name: record.name, name, owner: { login: owner, name: owner }, html_url: `https://github.com/${record.name}`, default_branch: record.defaultBranch };
    let payload: Record<string, unknown>;
    if (event === "ping") {
      payload = { zen: "Test delivery from Baton.", hook_id: 0, repository, sender: { login: sender } };
    } else {
      let head: string | undefined;
      try {
        const refs = await integrations.mirrors.sync({ id: record.id, cloneUrl: record.cloneUrl, token: record.hasToken ? integrations.repositories.accessToken(record.id) : null });
        head = refs.get(`refs/heads/${record.defaultBranch}`);
      } catch (error) {
        if (error instanceof MirrorError) throw new HttpError(502, "fetch_failed", `cannot fetch ${record.cloneUrl}: ${error.message}`);
        throw error;
      }
      if (!head) throw new HttpError(409, "no_branch", `${record.name} has no branch ${record.defaultBranch}`);
      payload = {
        ref: `refs/heads/${record.defaultBranch}`,
        before: head,
        after: head,
        created: false,
        deleted: false,
        forced: false,
        repository,
        pusher: { name: sender },
        sender: { login: sender },
        head_commit: { id: head, message: "Test delivery from Baton" },
        commits: [],
      };
    }
    const body = Buffer.from(JSON.stringify(payload));
    const guid = `test-${crypto.randomUUID()}`;
    const host = req.socket.localAddress?.includes(":") ? `[${req.socket.localAddress}]` : (req.socket.localAddress ?? "127.0.0.1");
    const response = await fetch(`http://${host}:${req.socket.localPort}/api/webhooks/github`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Baton-Test-Delivery",
        "x-github-event": event,
        "x-github-delivery": guid,
        "x-hub-signature-256": signBody(integrations.repositories.webhookSecret(record.id), body),
        "x-baton-test-delivery": "1",
      },
      body,
    });
    const result: TestDeliveryResult = { status: response.status, answer: await response.json().catch(() => null), guid };
    res.json(result);
  });

  return router;
}

/** `/api/deliveries`: the deliveries log and redelivery (admin: part of the repositories settings). */
export function deliveriesRouter(integrations: RepositoryIntegrations): Router {
  const router = Router();
  router.use(requireRole("admin"));

  router.get("/", (req, res) => {
    const query = parseWith(DeliveriesQuery, req.query, "deliveries query");
    let repositoryId: number | undefined;
    if (query.repository !== undefined) {
      const record = /^[0-9]+$/.test(query.repository) ? integrations.repositories.get(Number(query.repository)) : integrations.repositories.findByName(query.repository);
      // A deleted repository's deliveries are still listed by its former id.
      repositoryId = record?.id ?? (/^[0-9]+$/.test(query.repository) ? Number(query.repository) : undefined);
      if (repositoryId === undefined) throw new HttpError(404, "not_found", `no repository ${query.repository}`);
    }
    res.json({ deliveries: integrations.deliveries.list({ ...query, ...(repositoryId !== undefined ? { repositoryId } : {}) }) });
  });

  router.get("/:id", (req, res) => {
    const id = idParam(req.params.id, "delivery");
    const delivery = integrations.deliveries.get(id);
    if (!delivery) throw new HttpError(404, "not_found", `no delivery ${id}`);
    res.json(delivery);
  });

  router.post("/:id/redeliver", async (req, res) => {
    const id = idParam(req.params.id, "delivery");
    const outcome = await integrations.redeliver(id);
    if ("error" in outcome) throw new HttpError(outcome.status, outcome.status === 404 ? "not_found" : "cannot_redeliver", outcome.error);
    res.status(outcome.status).json(outcome.answer);
  });

  return router;
}
