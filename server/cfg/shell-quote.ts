import { CfgError } from "./cfg-error";

/**
 * POSIX single-quotes `value` so that `sh` reads it back as exactly one word holding exactly
 * `value`: inside single quotes nothing is special, and a `'` is written as `'\''`.
 *
 * @example shellQuote("x;touch /tmp/p") // => "'x;touch /tmp/p'"
 */
export function shellQuote(value: string): string {
  assertNoNul(value);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Escapes `value` for the inside of an existing single-quoted string (`'…{x}…'`). */
export function escapeForSingleQuotes(value: string): string {
  assertNoNul(value);
  return value.replaceAll("'", `'\\''`);
}

/** Escapes `value` for the inside of an existing double-quoted string (`"…{x}…"`). */
export function escapeForDoubleQuotes(value: string): string {
  assertNoNul(value);
  let out = "";
  for (const ch of value) out += ch === "\\" || ch === '"' || ch === "$" || ch === "`" ? `\\${ch}` : ch;
  return out;
}

/** A command line cannot carry a NUL byte: the kernel would cut the string there. */
function assertNoNul(value: string): void {
  if (value.includes("\0")) throw new CfgError("a variable's value cannot contain a NUL byte");
}
