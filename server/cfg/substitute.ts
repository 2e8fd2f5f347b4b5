import { CfgValueError, columnOf } from "./cfg-error";
import { isKnownVariable, readVariableReference } from "./known-variables";
import { markerContexts } from "./shell-context";
import type { ShellContext } from "./shell-context";
import { escapeForDoubleQuotes, escapeForSingleQuotes, shellQuote } from "./shell-quote";

export { KNOWN_VARIABLES } from "./known-variables";

/**
 * Fills a cfg `command`: each `{name}` becomes the variable's value, quoted for where it
 * stands in the shell script, so the value is always data. `{{` and `}}` are literal braces;
 * any other brace that does not form `{name}` is kept as it is (`awk '{ print $1 }'`).
 *
 * | written | becomes |
 * | --- | --- |
 * | `deploy {branch}` | `deploy 'main'` |
 * | `echo "on {branch}"` | `echo "on main"`, with `\ " $ \`` escaped |
 * | `echo 'on {branch}'` | `echo 'on main'`, with `'` as `'\''` |
 *
 * The known variables (`KNOWN_VARIABLES`) are `''` when absent; any other name must be in
 * `vars`. A `{name}` where no quoting is safe (after `$` or `\`, inside backquotes, `${…}`,
 * an arithmetic expression, a comment or a here-document) is a CfgError, as is an unknown name.
 *
 * @example substituteCommand("node ci/pipeline.mjs --branch {branch}", { branch: "x;id" }) // => "node ci/pipeline.mjs --branch 'x;id'"
 */
export function substituteCommand(template: string, vars: Readonly<Record<string, string>>): string {
  const { script, placeholders } = prepareTemplate(String(template));
  const contexts = markerContexts(script, MARKER);
  let out = "";
  let copied = 0;
  for (const placeholder of placeholders) {
    const context = safeContext(template, placeholder, contexts.get(placeholder.at));
    const value = valueOf(template, placeholder, vars);
    out += script.slice(copied, placeholder.at) + quoteFor(context, value);
    copied = placeholder.at + 1;
  }
  return out + script.slice(copied);
}

/**
 * Checks a command template without values: every `{name}` must stand where it can be quoted
 * safely. Returns the names it uses, in order of first use. Unknown names are not an error
 * here: they may come from the launch (`--key=value`).
 */
export function checkCommandTemplate(template: string): string[] {
  const { script, placeholders } = prepareTemplate(String(template));
  const contexts = markerContexts(script, MARKER);
  const names = new Set<string>();
  for (const placeholder of placeholders) {
    safeContext(template, placeholder, contexts.get(placeholder.at));
    names.add(placeholder.name);
  }
  return [...names];
}

/** Stands in for each `{name}` while the shell scanner reads the script; a command cannot contain it. */
const MARKER = "\0";

interface Placeholder {
  name: string;
  /** Index of the `{` in the template, for error columns. */
  offset: number;
  /** Index of the marker in the script. */
  at: number;
}

/** The template with `{{`/`}}` resolved and each `{name}` replaced by one MARKER. */
function prepareTemplate(template: string): { script: string; placeholders: Placeholder[] } {
  const nul = template.indexOf(MARKER);
  if (nul >= 0) throw new CfgValueError("command", "the command contains a NUL byte", nul, columnOf(template, nul));
  const placeholders: Placeholder[] = [];
  let script = "";
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if ((c === "{" || c === "}") && template[i + 1] === c) {
      script += c;
      i += 2;
      continue;
    }
    const ref = c === "{" ? readVariableReference(template, i) : null;
    if (ref !== null) {
      placeholders.push({ name: ref.name, offset: i, at: script.length });
      script += MARKER;
      i = ref.end;
      continue;
    }
    script += c;
    i++;
  }
  return { script, placeholders };
}

function safeContext(template: string, placeholder: Placeholder, context: ShellContext | undefined): Exclude<ShellContext, { kind: "unsafe" }> {
  const found = context ?? { kind: "unsafe", reason: "the shell scanner could not place it" };
  if (found.kind !== "unsafe") return found;
  throw new CfgValueError(
    "command",
    `{${placeholder.name}} cannot be quoted safely here: ${found.reason}`,
    placeholder.offset,
    columnOf(template, placeholder.offset),
  );
}

function valueOf(template: string, placeholder: Placeholder, vars: Readonly<Record<string, string>>): string {
  const { name } = placeholder;
  if (Object.hasOwn(vars, name)) return String(vars[name]);
  if (isKnownVariable(name)) return "";
  throw new CfgValueError(
    "command",
    `unknown variable {${name}}: give it a value (--${name}=…) or write {{${name}}} for literal braces`,
    placeholder.offset,
    columnOf(template, placeholder.offset),
  );
}

function quoteFor(context: Exclude<ShellContext, { kind: "unsafe" }>, value: string): string {
  switch (context.kind) {
    case "word":
      return shellQuote(value);
    case "single":
      return escapeForSingleQuotes(value);
    case "double":
      return escapeForDoubleQuotes(value);
    default: {
      const unknown: never = context;
      throw new Error(`unknown shell context ${JSON.stringify(unknown)}`);
    }
  }
}
