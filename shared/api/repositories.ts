import { z } from "zod";

/**
 * Repository integrations (GitHub webhooks, commit statuses, local git hooks, cron): the shapes
 * of their API. Every route but the two receivers needs the admin role (a token or a session).
 *
 *   GET    /api/repositories                          → { repositories: RepositoryView[] }
 *   POST   /api/repositories        RepositoryCreate  → 201 RepositoryWithSecret (the secret is shown this once)
 *   GET    /api/repositories/:id                      → RepositoryView
 *   PATCH  /api/repositories/:id    RepositoryUpdate  → RepositoryView
 *   DELETE /api/repositories/:id                      → 204
 *   POST   /api/repositories/:id/rotate-secret        → RepositoryWithSecret
 *   POST   /api/repositories/:id/test-delivery TestDeliveryRequest → TestDeliveryResult
 *   GET    /api/deliveries?repository&result&limit&before → { deliveries: DeliveryView[] } newest first
 *   GET    /api/deliveries/:id                        → DeliveryView
 *   POST   /api/deliveries/:id/redeliver              → 202 WebhookAnswer (a new delivery, processed again)
 *
 *   POST   /api/webhooks/github     GitHub's payload  → WebhookAnswer   (no auth: X-Hub-Signature-256)
 *   POST   /api/hooks/local-git     LocalGitNotification → WebhookAnswer (a hook token, or an operator or admin token)
 *   POST   /api/hooks/local-git/tokens HookTokenRequest → { token }     (admin)
 */

/** Whether `text` holds a control character (below U+0020, or DEL). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** The cfg events a repository can have enabled (DESIGN §2). */
export const RepositoryEvent = z.enum(["push", "pr", "pr-close", "create-branch", "delete-branch", "create-tag", "delete-tag", "cron"]);
export type RepositoryEvent = z.infer<typeof RepositoryEvent>;
export const ALL_REPOSITORY_EVENTS: readonly RepositoryEvent[] = RepositoryEvent.options;

/** `owner/repo`, as GitHub spells a repository's full name. */
export const RepositoryName = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/repo (letters, digits, '.', '_', '-')");

/**
 * Any location git can fetch from: an https/http/ssh/git/file URL, `user@host:path`, or an
 * absolute path on the server's machine. Never an option (`-…`) or a remote helper (`ext::`).
 */
export const CloneUrl = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((url) => !hasControl(url) && !url.startsWith("-"), "must not contain control characters or start with '-'")
  .refine(
    (url) => /^(https?|ssh|git|file):\/\//i.test(url) || url.startsWith("/") || /^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:[^:]/.test(url),
    "must be an https://, ssh://, git:// or file:// URL, user@host:path, or an absolute path",
  );

export const BranchName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !name.startsWith("-") && !hasControl(name) && !/[ ~^:?*[\\]/.test(name) && !name.includes("..") && !name.endsWith(".lock"), "is not a valid branch name");

export const ApiBaseUrl = z
  .string()
  .url()
  .refine((url) => /^https?:\/\//i.test(url), "must be an http(s) URL")
  .transform((url) => url.replace(/\/+$/, ""));

/** An access token: write-only, never returned. `null` in an update removes it. */
const AccessToken = z.string().min(1).max(1000).refine((token) => !hasControl(token), "must not contain control characters");

export const RepositoryCreate = z
  .object({
    name: RepositoryName,
    cloneUrl: CloneUrl,
    defaultBranch: BranchName.default("main"),
    accessToken: AccessToken.optional(),
    events: z.array(RepositoryEvent).max(8).default([...ALL_REPOSITORY_EVENTS]),
    /** GitHub Enterprise Server uses `https://<host>/api/v3`. */
    apiBaseUrl: ApiBaseUrl.default("https://api.github.com"),
  })
  .strict();
export type RepositoryCreate = z.infer<typeof RepositoryCreate>;

export const RepositoryUpdate = z
  .object({
    name: RepositoryName.optional(),
    cloneUrl: CloneUrl.optional(),
    defaultBranch: BranchName.optional(),
    accessToken: AccessToken.nullable().optional(),
    events: z.array(RepositoryEvent).max(8).optional(),
    apiBaseUrl: ApiBaseUrl.optional(),
  })
  .strict();
export type RepositoryUpdate = z.infer<typeof RepositoryUpdate>;

export const RepositoryView = z.object({
  id: z.number().int().positive(),
  name: RepositoryName,
  /** As given, except a password in it (`https://user:secret@host/…`), shown as `***`. */
  cloneUrl: z.string(),
  defaultBranch: z.string(),
  events: z.array(RepositoryEvent),
  apiBaseUrl: z.string(),
  /** An access token is set (it is never shown). */
  hasToken: z.boolean(),
  /** Whether commit statuses are sent: only with a token. */
  statuses: z.enum(["enabled", "disabled: no token"]),
  /** What to paste into GitHub's webhook settings (content type application/json). */
  webhookUrl: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  secretRotatedAt: z.number(),
  /** The cached mirror: when it was last fetched and the last fetch error, if any. */
  mirror: z.object({ fetchedAt: z.number().nullable(), error: z.string().nullable() }),
});
export type RepositoryView = z.infer<typeof RepositoryView>;

/** Creation and rotation: the only answers that carry the webhook secret. */
export const RepositoryWithSecret = RepositoryView.extend({ webhookSecret: z.string() });
export type RepositoryWithSecret = z.infer<typeof RepositoryWithSecret>;

export const TestDeliveryRequest = z.object({ event: z.enum(["push", "ping"]).default("push") }).strict();
export type TestDeliveryRequest = z.infer<typeof TestDeliveryRequest>;

/** Where a delivery came from. */
export const DeliverySource = z.enum(["github", "test", "redelivery", "local-git", "cron"]);
export type DeliverySource = z.infer<typeof DeliverySource>;

/**
 * `accepted`: signed and being processed; `launched`: pipelines started; `ignored`: nothing to run
 * (the reason says why: a redelivery, a filter, an action that launches nothing); `rejected`:
 * refused before processing (bad signature, unknown repository, malformed body); `error`:
 * processing failed (the fetch, a malformed cfg).
 */
export const DeliveryResult = z.enum(["accepted", "launched", "ignored", "rejected", "error"]);
export type DeliveryResult = z.infer<typeof DeliveryResult>;

export const DeliveryPipeline = z.object({ id: z.string(), section: z.string(), url: z.string() });
export type DeliveryPipeline = z.infer<typeof DeliveryPipeline>;

export const DeliveryView = z.object({
  id: z.number().int().positive(),
  repositoryId: z.number().int().nullable(),
  /** The repository as the delivery named it (kept after the repository is deleted). */
  repository: z.string().nullable(),
  source: DeliverySource,
  /** GitHub's event name (`push`, `pull_request`…), or `push` for a local hook, `cron` for the scheduler. */
  event: z.string(),
  action: z.string().nullable(),
  /** X-GitHub-Delivery, or the id Baton gave a delivery without one. */
  guid: z.string().nullable(),
  receivedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** The HTTP status the sender got (0 for a cron launch, which has no sender). */
  status: z.number().int(),
  result: DeliveryResult,
  reason: z.string().nullable(),
  pipelines: z.array(DeliveryPipeline),
  redeliveryOf: z.number().int().nullable(),
  /** Its body is kept (it was signed), so it can be processed again. */
  canRedeliver: z.boolean(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const DeliveriesQuery = z.object({
  /** A repository id or `owner/repo`. */
  repository: z.string().max(200).optional(),
  result: DeliveryResult.optional(),
  /** Deliveries older than this id (paging). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

/** What the receivers answer. */
export const WebhookAnswer = z.object({
  delivery: z.number().int().positive(),
  result: DeliveryResult,
  reason: z.string().optional(),
  pipelines: z.array(DeliveryPipeline).optional(),
});
export type WebhookAnswer = z.infer<typeof WebhookAnswer>;

export const TestDeliveryResult = z.object({
  /** The status and answer of Baton's own webhook endpoint to the signed delivery. */
  status: z.number().int(),
  answer: z.unknown(),
  guid: z.string(),
});
export type TestDeliveryResult = z.infer<typeof TestDeliveryResult>;

const GitSha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "must be a full commit id");

/** A local git hook's report of one ref update (post-receive line, or post-commit). */
export const LocalGitNotification = z
  .object({
    /** The repository's absolute path on the server's machine (bare or work tree). */
    repo: z.string().min(1).max(4096).startsWith("/"),
    ref: z.string().min(1).max(1024).startsWith("refs/"),
    /** All zeros for a new ref. */
    before: GitSha,
    /** All zeros for a deleted ref. */
    after: GitSha,
    /** Who made the change, as the hook sees it ($USER): the pipeline's `{user}`. */
    user: z.string().max(200).optional(),
  })
  .strict();
export type LocalGitNotification = z.infer<typeof LocalGitNotification>;

export const HookTokenRequest = z.object({ repo: z.string().min(1).max(4096).startsWith("/") }).strict();
export type HookTokenRequest = z.infer<typeof HookTokenRequest>;
export const HookTokenResult = z.object({ token: z.string(), repo: z.string() });
export type HookTokenResult = z.infer<typeof HookTokenResult>;
