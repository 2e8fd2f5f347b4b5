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
 *   POST /api/session              SignInRequest      → SessionInfo, sets the session cookie (no auth;
 *                                                       429 + Retry-After after 20 wrong passwords a minute)
 *   DELETE /api/session                               → 204, signs out
 *   GET  /api/session                                 → SessionInfo
 *   PUT  /api/session/password     PasswordChange     → 204; every session of the user ends, a new cookie is set
 *   GET  /api/users                                   → { users: UserView[] }                 (admin)
 *   POST /api/users                UserCreate         → 201 UserView                          (admin)
 *   PATCH /api/users/:id           UserUpdate         → UserView (a new password ends their sessions) (admin)
 *   DELETE /api/users/:id                             → 204 (never the last admin)            (admin)
 *   GET  /api/tokens                                  → { tokens: TokenView[] }               (admin)
 *   POST /api/tokens               TokenCreate        → 201 TokenCreated (the token shown this once) (admin)
 *   DELETE /api/tokens/:id                            → 204, revoked                          (admin)
 *   GET  /api/secrets                                 → SecretList, global (names, never values) (admin)
 *   PUT  /api/secrets/:name        SecretSet          → SecretView, created or overwritten    (admin)
 *   DELETE /api/secrets/:name                         → 204                                   (admin)
 *   GET  /api/repositories/:id/secrets                → SecretList, that repository's         (admin)
 *   PUT  /api/repositories/:id/secrets/:name SecretSet → SecretView                           (admin)
 *   DELETE /api/repositories/:id/secrets/:name        → 204                                   (admin)
 *        (schemas in ./secrets.ts)
 *
 * Roles: viewer reads pipelines and logs; operator also launches and acts on nodes; admin also
 * manages settings (repositories, deliveries, users, tokens, secrets). A state-changing request
 * authenticated by the session cookie must come from the dashboard's own origin (403 otherwise).
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

export const Role = z.enum(["admin", "operator", "viewer"]);
export type Role = z.infer<typeof Role>;

/** Letters, digits and `._-`, starting with a letter or digit. */
export const UserName = z
  .string()
  .min(1, "a name is needed")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, dot, underscore and dash, starting with a letter or digit");
/** At least 8 characters; bounded so that hashing stays cheap. */
export const Password = z.string().min(8, "at least 8 characters").max(1024, "at most 1024 characters");

export const SignInRequest = z.object({ name: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict();
export type SignInRequest = z.infer<typeof SignInRequest>;
export const SessionInfo = z.object({ user: z.object({ name: z.string(), role: Role }) });
export type SessionInfo = z.infer<typeof SessionInfo>;
export const PasswordChange = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: Password }).strict();
export type PasswordChange = z.infer<typeof PasswordChange>;

export const UserView = z.object({ id: z.number(), name: z.string(), role: Role, createdAt: z.number(), passwordChangedAt: z.number() });
export type UserView = z.infer<typeof UserView>;
export const UserCreate = z.object({ name: UserName, password: Password, role: Role }).strict();
export type UserCreate = z.infer<typeof UserCreate>;
export const UserUpdate = z
  .object({ role: Role.optional(), password: Password.optional() })
  .strict()
  .refine((value) => value.role !== undefined || value.password !== undefined, "give a role or a password");
export type UserUpdate = z.infer<typeof UserUpdate>;

export const TokenView = z.object({
  id: z.number(),
  name: z.string(),
  role: Role,
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  /** BATON_ADMIN_TOKEN: revoked by unsetting the variable, not through the API. */
  fromEnvironment: z.boolean(),
});
export type TokenView = z.infer<typeof TokenView>;
export const TokenCreate = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "a name is needed")
      .max(100)
      .refine((name) => ![...name].some((c) => c < " " || c === "\u007f"), "no control characters"),
    role: Role,
  })
  .strict();
export type TokenCreate = z.infer<typeof TokenCreate>;
export const TokenCreated = z.object({ token: TokenView, secret: z.string() });
export type TokenCreated = z.infer<typeof TokenCreated>;
