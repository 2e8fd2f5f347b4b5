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
    expect(reason("echo $(( @ + 1 ))")).toMatch(/inside an arithmetic expression \(\$\(\(…\)\)/);
  });

  it("marks every spot inside bash's arithmetic forms as unsafe, even in quotes or a $(…) there", () => {
    // Bash expands the expression's text and then evaluates it: 'a[$(id)]' runs id from quotes.
    expect(reason("(( x = '@' ))")).toMatch(/arithmetic expression/);
    expect(reason('(( x = "@" ))')).toMatch(/arithmetic expression/);
    expect(reason("for ((i = @; i < 3; i++)); do :; done")).toMatch(/arithmetic expression/);
    expect(reason("echo $[ '@' ]")).toMatch(/arithmetic expression/);
    expect(reason("echo $(( $(echo '@') ))")).toMatch(/arithmetic expression/);
    expect(reason("((echo x); (echo '@'))")).toMatch(/arithmetic expression/);
    // A seed of the random test found this one: `((` opened arithmetic, not two subshells, in bash.
    expect(reason("(({ echo '@'; }))")).toMatch(/arithmetic expression/);
  });

  it("finds the end of an arithmetic form past quoted closers and nested ones", () => {
    expect(contexts(`(( x == "))" )); echo @`)).toEqual(["word"]);
    expect(contexts("(( (1 + 2) * 3 )) && echo '@'")).toEqual(["single"]);
    expect(contexts(`echo $[ a[1] + "]" ] @`)).toEqual(["word"]);
    expect(contexts("echo $[ (1) ] @")).toEqual(["word"]);
    expect(contexts("( (echo @) )")).toEqual(["word"]);
  });

  it("marks a spot unsafe where dash and bash read the script differently before it", () => {
    // Bash opens arithmetic at any unquoted `((`; dash reads `((` and `$[` as subshells and text.
    expect(reason("for((i = 0; i < '@'; i++)); do :; done")).toMatch(/arithmetic expression/);
    expect(reason("echo a((b @")).toMatch(/arithmetic expression/);
    // Dash ends `$((` at the first `))` and reads quotes there as characters; bash skips quoted ones.
    expect(reason("false && : $(( '))' )) ; echo @ '")).toMatch(/read the script differently/);
    // A here-document inside bash's arithmetic forms is one to dash and busybox.
    expect(contexts("(( cat <<E ))\n@\nE")).toEqual(["unsafe"]);
    expect(contexts("cat $[ <<E ]\n@\nE")).toEqual(["unsafe"]);
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

  it("gives up after a here-document whose body has a command substitution spanning lines or holding a here-document", () => {
    // A random seed found this one: dash ends the outer body at the second E, after the $(…).
    expect(reason('cat <<E\n"a $(cat <<E\nx\nE\necho ok) b"\nE\necho @')).toMatch(/where shells disagree on where the body ends/);
    expect(reason("cat <<E\n$(echo x\nE\n)\necho @")).toMatch(/where shells disagree/);
    expect(contexts("cat <<E\n`echo x\nE\necho ok`\nE\necho @")).toEqual(["unsafe"]);
    // The common cases stay usable: a substitution on one line, or a quoted delimiter (no expansion).
    expect(contexts("cat <<E\nbuilt at $(date) by `id -un`\nE\necho @")).toEqual(["word"]);
    expect(contexts("cat <<'E'\n$(echo x\nE\necho @")).toEqual(["word"]);
  });

  it("reads a case pattern's `)` inside $(…) as the pattern's end, not the substitution's", () => {
    expect(contexts(`echo "$(case x in *) echo @;; esac)" @`)).toEqual(["word", "word"]);
    // A random seed found this one: the scanner had closed $( at `*)` and placed the second marker in "…".
    expect(contexts(`x="a $(echo $(case $(echo "a $(echo "$(echo '@')") b") in *) echo c;; esac) && echo "\\$"@ | cat) b"; echo "$x"`)).toEqual(["single", "word"]);
    expect(contexts("echo $(case x in (a) echo @;; (b|c) echo '@';; esac) @")).toEqual(["word", "single", "word"]);
    expect(contexts("echo $(case x in a) case y in b) echo @;; esac;; esac) '@'")).toEqual(["word", "single"]);
    expect(contexts("echo $(if true; then case x in a) :;; esac; fi) '@'")).toEqual(["single"]);
    // `case` as an argument is a plain word; so is `esac` in a branch's arguments.
    expect(contexts(`echo "$(echo case x in a) @"`)).toEqual(["double"]);
    expect(contexts("echo $(case x in a) echo esac;; esac) '@'")).toEqual(["single"]);
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
