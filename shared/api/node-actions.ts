import { z } from "zod";
import { EnvMap } from "../pipeline/pipeline-schema";

const NodePath = z.string().startsWith("/", "a node path starts with /").max(10_000);

/** The per-node controls of DESIGN §3, one discriminated union for the API, the CLI and the UI. */
export const NodeAction = z.discriminatedUnion("action", [
  z.object({ action: z.literal("rerun"), path: NodePath }).strict(),
  z.object({ action: z.literal("rerunFailed"), path: NodePath.optional() }).strict(),
  z.object({ action: z.literal("skip"), path: NodePath }).strict(),
  z.object({ action: z.literal("unskip"), path: NodePath }).strict(),
  z.object({ action: z.literal("kill"), path: NodePath }).strict(),
  z
    .object({
      action: z.literal("modify"),
      path: NodePath,
      command: z.string().min(1).max(1_000_000).optional(),
      env: EnvMap.optional(),
    })
    .strict()
    .refine((a) => a.command !== undefined || a.env !== undefined, "modify needs a command or env"),
]);
export type NodeAction = z.infer<typeof NodeAction>;
export type NodeActionName = NodeAction["action"];

export const ActionResult = z.object({
  ok: z.literal(true),
  /** Paths whose state the action changed at once (kill's running nodes change when they stop). */
  affected: z.array(z.string()),
});
export type ActionResult = z.infer<typeof ActionResult>;
