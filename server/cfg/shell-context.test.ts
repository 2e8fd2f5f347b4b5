import { describe, expect, it } from "vitest";
import { markerContexts } from "./shell-context";
import type { ShellContext } from "./shell-context";

/** The contexts of the `@` markers in a script, in order. */
function contexts(script: string): ShellContext["kind"][] {
  return [...markerContexts(script, "@").entries()].sort(([a], [b]) => a - b).map(([, context]) => context.kind);
}

function reason(script: string): string {
  const [context] = markerContexts(script, "@").values();
  return context?.kind === "unsafe" ? context.reason : `not unsafe: ${String(context?.kind)}`;
}

describe("markerContexts", () => {
  it("finds every marker, including ones that share a word", () => {
    expect(contexts("a @ b @@ c=@")).toEqual(["word", "word", "word", "word"]);
  });

  it("tells single and double quotes from unquoted words", () => {
    expect(contexts(`echo '@' "@" @ "a'@'b" 'a"@"b'`)).toEqual(["single", "double", "word", "double", "single"]);
  });

  it("knows an escaped quote does not open or close a string", () => {
    expect(contexts(`echo \\' @ "\\" @" @`)).toEqual(["word", "double", "word"]);
  });

  it("starts a fresh command context inside $(…), even within double quotes", () => {
    expect(contexts(`echo "$(echo @ "@")" @`)).toEqual(["word", "double", "word"]);
    expect(contexts(`echo $(a $(b @) (c) @) @`)).toEqual(["word", "word", "word"]);
  });

  it("marks spots after '$' or '\\' as unsafe, but not inside single quotes", () => {
    expect(reason("echo $@")).toMatch(/'\$' right before/);
    expect(reason(`echo "$@"`)).toMatch(/'\$' right before/);
    expect(reason("echo \\@")).toMatch(/'\\' right before/);
    expect(reason(`echo "\\@"`)).toMatch(/'\\' right before/);
    expect(contexts("echo '$@' '\\@'")).toEqual(["single", "single"]);
    expect(contexts("echo \\$@ $$@")).toEqual(["word", "word"]);
  });

  it("marks backquotes, $'…', ${…} and $((…)) as unsafe", () => {
    expect(reason("echo `a @`")).toMatch(/inside `…`/);
    expect(reason(`echo "\`@\`"`)).toMatch(/inside `…`/);
    expect(reason("echo $'@'")).toMatch(/inside \$'…'/);
    expect(reason("echo ${x:-@}")).toMatch(/inside \$\{…\}/);
    expect(reason("echo $(( @ + 1 ))")).toMatch(/inside \$\(\(…\)\)/);
  });

  it("returns to the outer context after each construct closes", () => {
    expect(contexts("echo `a` ${x} $((1+(2))) $'x' @")).toEqual(["word"]);
    expect(contexts(`echo "\${x:-"}"}" @`)).toEqual(["word"]);
  });

  it("marks a comment as unsafe only where '#' starts a word", () => {
    expect(reason("echo hi # @")).toMatch(/comment/);
    expect(contexts("echo a#@ ${#x} @\n# x\n@")).toEqual(["word", "word", "word"]);
    expect(contexts("echo hi #x\necho @")).toEqual(["word"]);
  });

  it("marks here-document bodies as unsafe up to the delimiter line", () => {
    expect(contexts("cat <<EOF\n@\nEOF\necho @")).toEqual(["unsafe", "word"]);
    expect(contexts("cat <<'EOF'\n@ @\nEOF\n@")).toEqual(["unsafe", "unsafe", "word"]);
    expect(contexts("cat <<-\"END\" >f; echo @\n\t@\n\tEND\n@")).toEqual(["word", "unsafe", "word"]);
    expect(contexts("cat <<A <<B\n@\nA\n@\nB\n@")).toEqual(["unsafe", "unsafe", "word"]);
  });

  it("treats <<< as a here-string, whose word is ordinary", () => {
    expect(contexts("cat <<< @\n@")).toEqual(["word", "word"]);
  });

  it("marks a marker in a here-document delimiter as unsafe", () => {
    expect(reason("cat <<@\nx\n")).toMatch(/delimiter/);
  });

  it("does not fail on unterminated constructs", () => {
    expect(contexts(`echo "@`)).toEqual(["double"]);
    expect(contexts("echo '@")).toEqual(["single"]);
    expect(contexts("echo $(@")).toEqual(["word"]);
    expect(contexts("echo )) @")).toEqual(["word"]);
  });
});
