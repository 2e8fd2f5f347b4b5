/** The variables every launch defines (DESIGN §2); absent ones are the empty string. */
export const KNOWN_VARIABLES = [
  "branch",
  "sha",
  "repo",
  "owner",
  "url",
  "event",
  "action",
  "pr",
  "base_branch",
  "tag",
  "user",
  "env_id",
] as const;
export type KnownVariable = (typeof KNOWN_VARIABLES)[number];

const KNOWN = new Set<string>(KNOWN_VARIABLES);

export function isKnownVariable(name: string): name is KnownVariable {
  return KNOWN.has(name);
}

/** A variable name is what `{name}` can hold: a letter or `_`, then letters, digits and `_`. */
export function isVariableName(name: string): boolean {
  if (name.length === 0) return false;
  if (!isNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

export function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

export function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

/**
 * Reads `{name}` starting at `start` (which holds `{`); returns the name and the index just
 * past `}`, or null when the text there is not a variable reference.
 */
export function readVariableReference(text: string, start: number): { name: string; end: number } | null {
  if (text.charCodeAt(start) !== 123 /* { */) return null;
  let i = start + 1;
  if (i >= text.length || !isNameStart(text.charCodeAt(i))) return null;
  i++;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 125 /* } */) return null;
  return { name: text.slice(start + 1, i), end: i + 1 };
}
