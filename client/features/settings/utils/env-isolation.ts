import type { RepositoryEvent } from "../../../../shared/api/repositories";

/** The longest `{env_id}`: a DNS label. */
export const MAX_ENV_ID_LENGTH = 63;

export interface EnvIsolationRow {
  /** A cfg event, or `hand` for a launch by a person (CLI, dashboard). */
  event: RepositoryEvent | "hand";
  /** Where `{env_id}` comes from. */
  source: string;
  /** What it would be, for this repository where that can be said. */
  example: string;
}

/**
 * What `{env_id}` (and `BATON_ENV_ID`) is for each way a pipeline starts (server/cfg
 * launch-variables): `pr-<n>` for a pull request and its close, the person for a launch by hand,
 * else the branch or tag. A `pr` pipeline and the `pr-close` one of the same PR share it.
 */
export function envIsolationRows(defaultBranch: string): EnvIsolationRow[] {
  const branch = previewEnvId(defaultBranch) ?? "the branch, cut short";
  return [
    { event: "push", source: "the branch pushed", example: branch },
    { event: "pr", source: "pr-<number>", example: "pr-42" },
    { event: "pr-close", source: "pr-<number>, the same as the PR's pipelines", example: "pr-42" },
    { event: "create-branch", source: "the branch created", example: previewEnvId("feature/Login") ?? "" },
    { event: "delete-branch", source: "the branch deleted", example: previewEnvId("feature/Login") ?? "" },
    { event: "create-tag", source: "the tag created", example: previewEnvId("v1.2.0") ?? "" },
    { event: "delete-tag", source: "the tag deleted", example: previewEnvId("v1.2.0") ?? "" },
    { event: "cron", source: "the default branch", example: branch },
    { event: "hand", source: "the name of the person who launched it", example: "alice" },
  ];
}

/**
 * `raw` as the server turns it into a name: lower case, `[a-z0-9-]`, runs of `-` collapsed, none
 * at either end. Null when the server would add a hash suffix (nothing left, or too long).
 */
export function previewEnvId(raw: string): string | null {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (cleaned === "" || cleaned.length > MAX_ENV_ID_LENGTH) return null;
  return cleaned;
}
