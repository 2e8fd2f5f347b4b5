import { z } from "zod";

/**
 * Secrets: global, or per repository. Write-only: names, scope and times are listed, a value is
 * never returned. Every route needs the admin role.
 *
 *   GET    /api/secrets                               → SecretList (global secrets)
 *   PUT    /api/secrets/:name             SecretSet   → SecretView (created or overwritten)
 *   DELETE /api/secrets/:name                         → 204
 *   GET    /api/repositories/:id/secrets              → SecretList (that repository's)
 *   PUT    /api/repositories/:id/secrets/:name SecretSet → SecretView
 *   DELETE /api/repositories/:id/secrets/:name        → 204
 */

/** An environment variable name; `BATON_` is Baton's own. */
export const SecretName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a secret's name is an environment variable name: letters, digits and _, not starting with a digit")
  .refine((name) => !/^BATON_/i.test(name), "names starting with BATON_ are Baton's own variables");
export type SecretName = z.infer<typeof SecretName>;

/** Shortest value accepted: masking a shorter one in logs would garble them and hide nothing. */
export const MIN_SECRET_LENGTH = 4;

export const SecretSet = z
  .object({
    value: z
      .string()
      .min(MIN_SECRET_LENGTH, `a secret's value needs at least ${MIN_SECRET_LENGTH} characters`)
      .max(64 * 1024)
      .refine((value) => !value.includes("\u0000"), "a secret's value cannot hold a NUL character (it goes into an environment variable)"),
  })
  .strict();
export type SecretSet = z.infer<typeof SecretSet>;

export const SecretScope = z.enum(["global", "repository"]);
export type SecretScope = z.infer<typeof SecretScope>;

export const SecretView = z.object({
  name: z.string(),
  scope: SecretScope,
  /** The repository of a per-repository secret; null for a global one. */
  repositoryId: z.number().int().positive().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Who set the current value ("user:alice", "token:deploy"), when known. */
  updatedBy: z.string().nullable(),
});
export type SecretView = z.infer<typeof SecretView>;

export const SecretList = z.object({ secrets: z.array(SecretView) });
export type SecretList = z.infer<typeof SecretList>;

/**
 * What secrets a pipeline's nodes get, decided once at launch: `given` — the global secrets and
 * its repository's; `withheld` — none, being a pull request from a fork; `none` — none, not
 * launched by a registered repository's event (hand launches, the command line).
 */
export const PipelineSecrets = z.enum(["given", "withheld", "none"]);
export type PipelineSecrets = z.infer<typeof PipelineSecrets>;
