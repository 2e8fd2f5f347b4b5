import type { EnvMap } from "../../../../shared/pipeline/pipeline-schema";

/** An environment as editable text: one KEY=VALUE per line, in key order. */
export function envToLines(env: EnvMap): string {
  return Object.keys(env)
    .sort()
    .map((key) => `${key}=${env[key]}`)
    .join("\n");
}

export type EnvParseResult = { ok: true; env: EnvMap } | { ok: false; errors: string[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses KEY=VALUE lines. Blank lines and lines starting with # are ignored; the value is
 * everything after the first = (it may contain = and spaces); a later line wins over an earlier one.
 */
export function parseEnvLines(text: string): EnvParseResult {
  const env: EnvMap = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const eq = raw.indexOf("=");
    if (eq === -1) {
      errors.push(`line ${index + 1}: "${line}" has no "=" (write KEY=VALUE)`);
      return;
    }
    const key = raw.slice(0, eq).trim();
    if (!NAME.test(key)) {
      errors.push(`line ${index + 1}: "${key}" is not a variable name (letters, digits and _, not starting with a digit)`);
      return;
    }
    env[key] = raw.slice(eq + 1);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, env };
}

export function sameEnv(a: EnvMap, b: EnvMap): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
