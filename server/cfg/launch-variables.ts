import { createHash } from "node:crypto";
import { CfgError } from "./cfg-error";
import { isCfgEvent } from "./cfg-types";
import { isVariableName, KNOWN_VARIABLES } from "./known-variables";
import type { KnownVariable } from "./known-variables";

/** What a launch knows: a webhook delivery, a git hook or `baton .conducto.cfg <event> --key=value`. */
export interface LaunchInput {
  event: string;
  branch?: string;
  sha?: string;
  repo?: string;
  owner?: string;
  url?: string;
  action?: string;
  pr?: string | number;
  base_branch?: string;
  tag?: string;
  user?: string;
  /** A person started it by hand (the command line, the dashboard), not a webhook or hook. */
  handLaunch?: boolean;
  /** Any other `--key=value`; a `-` in a key becomes `_` (`--base-branch` is `{base_branch}`). */
  extra?: Record<string, string>;
}

export const MAX_ENV_ID_LENGTH = 63;

/**
 * Every variable a command and a filter can use: the known ones (absent as `""`), then the
 * extra ones. A named field wins over the same name in `extra`; `env_id` is computed unless
 * `extra` sets it, and is always sanitised (see `sanitiseEnvId`).
 */
export function buildVariables(input: LaunchInput): Record<string, string> {
  if (!isCfgEvent(input.event)) throw new CfgError(`unknown event ${JSON.stringify(input.event)}`);
  const vars = new Map<string, string>();
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    const name = key.replaceAll("-", "_");
    if (!isVariableName(name)) {
      throw new CfgError(`the variable name ${JSON.stringify(key)} must be letters, digits, '_' or '-', starting with a letter`);
    }
    vars.set(name, String(value));
  }
  for (const name of KNOWN_VARIABLES) {
    const given = name === "env_id" ? undefined : fieldOf(input, name);
    vars.set(name, given ?? vars.get(name) ?? "");
  }
  vars.set("event", input.event);

  const pr = vars.get("pr") as string;
  if (pr !== "") {
    if (!/^[0-9]{1,10}$/.test(pr)) throw new CfgError(`the pull request number must be a number, found ${JSON.stringify(pr)}`);
    vars.set("pr", String(Number(pr)));
  }
  const explicitEnvId = vars.get("env_id") as string;
  vars.set("env_id", sanitiseEnvId(explicitEnvId !== "" ? explicitEnvId : envIdSource(input, vars)));

  for (const [name, value] of vars) {
    if (value.includes("\0")) throw new CfgError(`the variable ${name} contains a NUL byte`);
  }
  return Object.fromEntries(vars);
}

/**
 * The BATON_* environment every node of a launched pipeline gets (DESIGN §2), for the
 * variables that have a value. BATON_PIPELINE_ID and BATON_NODE are the engine's to add.
 */
export function toBatonEnv(vars: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, envName] of BATON_ENV_NAMES) {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value !== undefined && value !== "") env[envName] = value;
  }
  return env;
}

const BATON_ENV_NAMES: ReadonlyArray<readonly [KnownVariable, string]> = [
  ["event", "BATON_EVENT"],
  ["branch", "BATON_BRANCH"],
  ["sha", "BATON_SHA"],
  ["pr", "BATON_PR"],
  ["repo", "BATON_REPO"],
  ["env_id", "BATON_ENV_ID"],
  ["action", "BATON_ACTION"],
  ["tag", "BATON_TAG"],
  ["base_branch", "BATON_BASE_BRANCH"],
  ["user", "BATON_USER"],
];

/**
 * Makes `raw` usable in container, network and DNS names: lower-case `[a-z0-9-]`, no `-` at
 * either end, at most 63 characters. A name cut short, or with nothing usable left, ends in 8
 * hex digits of its hash so that different long names stay different.
 */
export function sanitiseEnvId(raw: string): string {
  const cleaned = collapseDashes(raw.toLowerCase().replace(/[^a-z0-9]/g, "-"));
  if (cleaned === "") return `env-${shortHash(raw)}`;
  if (cleaned.length <= MAX_ENV_ID_LENGTH) return cleaned;
  const keep = collapseDashes(cleaned.slice(0, MAX_ENV_ID_LENGTH - 9));
  return `${keep}-${shortHash(raw)}`;
}

/** `pr-<n>` for pull requests, the user for hand launches, else the branch, tag or event. */
function envIdSource(input: LaunchInput, vars: ReadonlyMap<string, string>): string {
  const get = (name: KnownVariable): string => vars.get(name) ?? "";
  if (input.event === "pr" || input.event === "pr-close") {
    if (get("pr") === "") throw new CfgError(`a ${input.event} launch needs the pull request number (--pr=…)`);
    return `pr-${get("pr")}`;
  }
  if (input.handLaunch === true && get("user") !== "") return get("user");
  return get("branch") || get("tag") || input.event;
}

function fieldOf(input: LaunchInput, name: Exclude<KnownVariable, "env_id">): string | undefined {
  const value = input[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** Runs of `-` become one, and none is left at either end. */
function collapseDashes(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "-" && (out === "" || out.endsWith("-"))) continue;
    out += ch;
  }
  return out.endsWith("-") ? out.slice(0, -1) : out;
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
