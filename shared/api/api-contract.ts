import { z } from "zod";
import { NodeState } from "../pipeline/node-state";

/**
 * Request shapes of the JSON API under /api. The server validates each request with these
 * schemas and the client builds its requests from the same ones.
 *
 *   GET  /api/health                                  → { ok: true }            (no auth)
 *   GET  /api/pipelines?repo&branch&state&limit       → { pipelines: PipelineSummary[] } newest first
 *   POST /api/pipelines            LaunchRequest      → { pipelines: [{ id, section }], skipped?: string }
 *   GET  /api/pipelines/:id                           → PipelineDetail
 *   POST /api/pipelines/:id/actions NodeAction        → ActionResult
 *   GET  /api/pipelines/:id/logs?path&attempt&from&limit → LogPage
 *   GET  /api/pipelines/:id/logs/download?path&attempt   → text/plain, the whole log
 *   POST /api/examples/hello                          → { pipelines: [{ id, section }] }
 *   POST /api/session              { token }          → sets the session cookie
 *   DELETE /api/session                               → signs out
 *   GET  /api/session                                 → { user: { name, role } }
 *
 * Errors: a 4xx/5xx status with ApiError as the body.
 */

export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.string()).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

export const PipelineListQuery = z.object({
  repo: z.string().max(500).optional(),
  branch: z.string().max(500).optional(),
  state: NodeState.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type PipelineListQuery = z.infer<typeof PipelineListQuery>;

export const LogQuery = z.object({
  path: z.string().startsWith("/"),
  attempt: z.coerce.number().int().positive().optional(),
  from: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type LogQuery = z.infer<typeof LogQuery>;

const Variables = z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/i), z.string().max(10_000));

/**
 * Launch a pipeline. `cfg` runs a `.conducto.cfg` event as the CLI does (`baton <cfg> <event>`);
 * `pipeline` runs a tree given as JSON directly.
 */
export const LaunchRequest = z.union([
  z
    .object({
      kind: z.literal("cfg"),
      /** A git repository the server can read (a path on its machine or any URL git understands). */
      repo: z.string().min(1).max(4096),
      /** The cfg file's text; when absent, `.conducto.cfg` is read from the repository's default branch. */
      cfgText: z.string().max(1_000_000).optional(),
      /** "push", "pr", or "push production" to name one labelled section. */
      event: z.string().min(1).max(200),
      variables: Variables.default({}),
      /** Commit to run; defaults to the head of `variables.branch`, else HEAD. */
      sha: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("pipeline"),
      pipeline: z.unknown(),
      repo: z.string().min(1).max(4096).optional(),
      sha: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
      variables: Variables.default({}),
    })
    .strict(),
]);
export type LaunchRequest = z.infer<typeof LaunchRequest>;

export const LaunchResult = z.object({
  pipelines: z.array(z.object({ id: z.string(), section: z.string().nullable() })),
  /** Why nothing launched, when nothing did (filters excluded every section, a duplicate policy). */
  skipped: z.string().optional(),
});
export type LaunchResult = z.infer<typeof LaunchResult>;

export const SessionRequest = z.object({ token: z.string().min(1).max(500) }).strict();
export const SessionInfo = z.object({ user: z.object({ name: z.string(), role: z.enum(["admin", "operator", "viewer"]) }) });
export type SessionInfo = z.infer<typeof SessionInfo>;
