/**
 * Where in a `sh` script each marker character sits, so a substituted value can be quoted for
 * exactly that spot. A value's quoting is only safe if the shell reads it where Baton thinks:
 * `"{branch}"` would put a single-quoted value inside double quotes, where `$(id)` runs.
 *
 * The scanner follows POSIX quoting (`'…'`, `"…"`, `\`), expansions (`$(…)`, `$((…))`,
 * `${…}`, backquotes), comments and here-documents. It reads the script twice: as dash and
 * busybox do, and as bash does, which also has the arithmetic forms `((…))` and `$[…]` and
 * skips quotes inside an arithmetic expression when it looks for its end (dash does not). A
 * marker the two readings place differently is unsafe: the value must be safe in every shell.
 * Bash evaluates an arithmetic expression's text after expanding it, quotes and all, so no
 * marker anywhere inside one is safe, not even within a `$(…)` or quotes there. Of the grammar
 * it follows only `case`, whose patterns end in a lone `)` that must not close a `$(…)`.
 */
export type ShellContext =
  /** An unquoted word: the value goes in as a single-quoted string. */
  | { kind: "word" }
  /** Inside '…': the value's `'` become `'\''`. */
  | { kind: "single" }
  /** Inside "…": the value's `\ " $ \`` get a backslash. */
  | { kind: "double" }
  /** A spot no quoting makes safe; `reason` completes "… cannot be quoted safely here: <reason>". */
  | { kind: "unsafe"; reason: string };

type Frame =
  | {
      type: "command";
      closesWithParen: boolean;
      parens: number;
      wordStart: boolean;
      /** Where a command name (or a reserved word such as `case`) may stand. */
      commandStart: boolean;
      /** Open `case` statements, innermost last: in a pattern a `)` ends the pattern, not a `$(…)`. */
      cases: CaseState[];
      heredocs: Heredoc[];
    }
  | { type: "single" }
  | { type: "double" }
  | { type: "ansi" }
  | { type: "backquote" }
  | { type: "parameter"; insideDouble: boolean }
  /** `$((…))` and `((…))` close on `))`, bash's `$[…]` on `]`; `depth` counts the nested openers. */
  | { type: "arithmetic"; closer: "))" | "]"; depth: number };

/** Where a `case` statement is: before its `in`, in a pattern (up to `)`), or in a branch's commands (up to `;;`). */
type CaseState = "subject" | "pattern" | "body";

/** Reserved words after which a command, so also `case`, may follow. */
const BEFORE_COMMAND = new Set(["then", "do", "else", "elif", "if", "while", "until", "time", "!", "{"]);

interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
  /** No quote or backslash in its word: the shell expands `$(…)` and backquotes in its body. */
  expands: boolean;
}

const WORD: ShellContext = { kind: "word" };
const SINGLE: ShellContext = { kind: "single" };
const DOUBLE: ShellContext = { kind: "double" };

const unsafe = (reason: string): ShellContext => ({ kind: "unsafe", reason });

const AFTER_BACKSLASH = unsafe("a '\\' right before it would escape Baton's quoting");
const AFTER_DOLLAR = unsafe("a '$' right before it makes it shell syntax (for the shell's own ${x}, write ${{x}})");
const IN_BACKQUOTES = unsafe("it is inside `…`, which the shell reads twice; use $(…) instead");
const IN_ANSI = unsafe("it is inside $'…', where backslashes are escapes");
const IN_PARAMETER = unsafe("it is inside ${…}; put the value in a variable first");
const IN_ARITHMETIC = unsafe("it is inside an arithmetic expression ($((…)), ((…)) or $[…]), which bash evaluates after expanding it, quotes and all; use the BATON_* variable instead (for two subshells write `( (`)");
const IN_COMMENT = unsafe("it is inside a shell comment, which a newline in the value would end");
const IN_HEREDOC = unsafe("it is inside a here-document, which a line of the value could end; pass it as an argument or use the BATON_* variable");
const IN_HEREDOC_WORD = unsafe("it is the delimiter of a here-document");

const AFTER_TANGLED_HEREDOC = unsafe(
  "it follows a here-document whose body has a $(…) or `…` spanning lines or holding another here-document, where shells disagree on where the body ends",
);
const READ_DIFFERENTLY = unsafe(
  "bash and dash read the script differently up to here (bash's ((…)) or $[…], or quotes inside an arithmetic expression); put the value in a variable first",
);

/** Maps the index of every `marker` in `script` to the context it sits in, in every shell. */
export function markerContexts(script: string, marker: string): Map<number, ShellContext> {
  const posix = new ShellScanner(script, marker, "posix").run();
  const bash = new ShellScanner(script, marker, "bash").run();
  const contexts = new Map<number, ShellContext>();
  for (const at of new Set([...bash.keys(), ...posix.keys()])) contexts.set(at, agreed(bash.get(at), posix.get(at)));
  return contexts;
}

/** Either reading's reason when one is unsafe; the context both give; else unsafe. */
function agreed(inBash: ShellContext | undefined, inPosix: ShellContext | undefined): ShellContext {
  if (inBash?.kind === "unsafe") return inBash;
  if (inPosix?.kind === "unsafe") return inPosix;
  return inBash && inBash.kind === inPosix?.kind ? inBash : READ_DIFFERENTLY;
}

/** `posix`: dash and busybox sh. `bash` adds `((…))`, `$[…]` and quotes inside arithmetic. */
type Dialect = "posix" | "bash";

class ShellScanner {
  private readonly found = new Map<number, ShellContext>();
  private readonly stack: Frame[] = [newCommandFrame(false)];
  private i = 0;
  /** Set once the scanner cannot know where the shell is: every later marker gets it. */
  private lost: ShellContext | null = null;

  constructor(
    private readonly s: string,
    private readonly marker: string,
    private readonly dialect: Dialect,
  ) {}

  run(): Map<number, ShellContext> {
    while (this.i < this.s.length) {
      const frame = this.stack[this.stack.length - 1] as Frame;
      switch (frame.type) {
        case "command":
          this.inCommand(frame);
          break;
        case "single":
          this.inSingle();
          break;
        case "double":
          this.inDouble();
          break;
        case "ansi":
          this.inEscapingQuote(IN_ANSI, "'");
          break;
        case "backquote":
          this.inEscapingQuote(IN_BACKQUOTES, "`");
          break;
        case "parameter":
          this.inParameter(frame);
          break;
        case "arithmetic":
          this.inArithmetic(frame);
          break;
        default: {
          const unknown: never = frame;
          throw new Error(`unknown frame ${JSON.stringify(unknown)}`);
        }
      }
    }
    return this.found;
  }

  /** Records the marker at `at`; inside an arithmetic expression, at any depth, it is unsafe whatever `context`. */
  private mark(at: number, context: ShellContext): void {
    if (context.kind !== "unsafe" && this.lost) context = this.lost;
    const arithmetic = context.kind !== "unsafe" && this.stack.some((frame) => frame.type === "arithmetic");
    this.found.set(at, arithmetic ? IN_ARITHMETIC : context);
  }

  private inCommand(frame: Extract<Frame, { type: "command" }>): void {
    const c = this.s[this.i] as string;
    const inCase = frame.cases.length - 1;
    if (c === this.marker) {
      this.mark(this.i++, WORD);
      frame.wordStart = frame.commandStart = false;
      return;
    }
    switch (c) {
      case "'":
        this.push({ type: "single" }, 1);
        frame.wordStart = frame.commandStart = false;
        return;
      case '"':
        this.push({ type: "double" }, 1);
        frame.wordStart = frame.commandStart = false;
        return;
      case "`":
        this.push({ type: "backquote" }, 1);
        frame.wordStart = frame.commandStart = false;
        return;
      case "\\":
        this.backslash();
        frame.wordStart = frame.commandStart = false;
        return;
      case "$":
        this.dollar(false);
        frame.wordStart = frame.commandStart = false;
        return;
      case "#":
        if (frame.wordStart) this.comment();
        else this.i++;
        return;
      case "\n":
        this.i++;
        frame.wordStart = frame.commandStart = true;
        if (frame.heredocs.length > 0) this.heredocBodies(frame.heredocs.splice(0));
        return;
      case "<":
        if (this.s[this.i + 1] === "<" && this.s[this.i + 2] === "<") this.i += 3;
        else if (this.s[this.i + 1] === "<") this.heredocOperator(frame);
        else this.i++;
        frame.wordStart = true;
        frame.commandStart = false;
        return;
      case "(":
        this.i++;
        frame.wordStart = frame.commandStart = true;
        // A pattern's optional opening parenthesis: `case x in (a) …`.
        if (frame.cases[inCase] === "pattern") return;
        // Bash's arithmetic command: `(( i++ ))`, `for ((…))`, also `for((…))` or `while((…))`.
        // Anywhere else an unquoted `((` is a syntax error, so any is taken for one.
        if (this.dialect === "bash" && this.s[this.i] === "(") {
          this.push({ type: "arithmetic", closer: "))", depth: 0 }, 1);
          return;
        }
        if (frame.closesWithParen) frame.parens++;
        return;
      case ")":
        this.i++;
        frame.wordStart = frame.commandStart = true;
        if (frame.cases[inCase] === "pattern") {
          frame.cases[inCase] = "body";
          return;
        }
        if (!frame.closesWithParen) return;
        if (frame.parens === 0) this.stack.pop();
        else frame.parens--;
        return;
      case ";":
        // `;;`, `;&` or `;;&` end a case branch: a pattern comes next.
        if (frame.cases[inCase] === "body" && (this.s[this.i + 1] === ";" || this.s[this.i + 1] === "&")) {
          frame.cases[inCase] = "pattern";
          this.i += this.s.startsWith(";;&", this.i) ? 3 : 2;
        } else this.i++;
        frame.wordStart = frame.commandStart = true;
        return;
      case "&":
      case "|":
        this.i++;
        frame.wordStart = frame.commandStart = true;
        return;
      case " ":
      case "\t":
      case "\r":
        this.i++;
        frame.wordStart = true;
        return;
      case ">":
        this.i++;
        frame.wordStart = true;
        frame.commandStart = false;
        return;
      default:
        if (frame.wordStart) this.bareWord(frame);
        else this.i++;
        frame.wordStart = false;
    }
  }

  /** A word of letters, digits and `_` (or `!`, `{`) from the start of a word: reserved words steer `case` tracking. */
  private bareWord(frame: Extract<Frame, { type: "command" }>): void {
    const match = /^(?:[A-Za-z_][A-Za-z0-9_]*|[!{])/.exec(this.s.slice(this.i, this.i + 64));
    const word = match?.[0] ?? "";
    const after = this.s[this.i + Math.max(word.length, 1)];
    const delimited = word !== "" && (after === undefined || " \t\r\n;&|()<>".includes(after));
    const inCase = frame.cases.length - 1;
    const atCommand = frame.commandStart;
    this.i += Math.max(word.length, 1);
    frame.commandStart = false;
    if (!delimited) return;
    if (word === "case" && atCommand) frame.cases.push("subject");
    else if (word === "in" && frame.cases[inCase] === "subject") frame.cases[inCase] = "pattern";
    else if (word === "esac" && (frame.cases[inCase] === "pattern" || (frame.cases[inCase] === "body" && atCommand))) frame.cases.pop();
    else if (BEFORE_COMMAND.has(word) && atCommand) frame.commandStart = true;
    if (frame.cases[frame.cases.length - 1] === "pattern") frame.commandStart = true;
  }

  private inSingle(): void {
    const c = this.s[this.i];
    if (c === this.marker) this.mark(this.i, SINGLE);
    else if (c === "'") this.stack.pop();
    this.i++;
  }

  private inDouble(): void {
    const c = this.s[this.i];
    if (c === this.marker) this.mark(this.i++, DOUBLE);
    else if (c === '"') this.pop(1);
    else if (c === "\\") this.backslash();
    else if (c === "$") this.dollar(true);
    else if (c === "`") this.push({ type: "backquote" }, 1);
    else this.i++;
  }

  /** `$'…'` and backquotes: backslash escapes the next character, no marker is safe. */
  private inEscapingQuote(context: ShellContext, closer: string): void {
    const c = this.s[this.i];
    if (c === this.marker) this.mark(this.i++, context);
    else if (c === closer) this.pop(1);
    else if (c === "\\") this.backslash(context);
    else this.i++;
  }

  private inParameter(frame: Extract<Frame, { type: "parameter" }>): void {
    const c = this.s[this.i];
    if (c === this.marker) this.mark(this.i++, IN_PARAMETER);
    else if (c === "}") this.pop(1);
    else if (c === "\\") this.backslash(IN_PARAMETER);
    else if (c === "$") this.dollar(frame.insideDouble);
    else if (c === "`") this.push({ type: "backquote" }, 1);
    else if (c === '"') this.push({ type: "double" }, 1);
    else if (c === "'" && !frame.insideDouble) this.push({ type: "single" }, 1);
    else this.i++;
  }

  /** Bash skips quotes inside as it looks for the end, dash reads them as characters; markers in them are unsafe either way. */
  private inArithmetic(frame: Extract<Frame, { type: "arithmetic" }>): void {
    const c = this.s[this.i];
    const [opener, closer] = frame.closer === "]" ? ["[", "]"] : ["(", ")"];
    if (c === this.marker) this.mark(this.i++, IN_ARITHMETIC);
    else if (c === "\\") this.backslash(IN_ARITHMETIC);
    else if (c === "$") this.dollar(false);
    else if (c === "`") this.push({ type: "backquote" }, 1);
    else if (c === "'" && this.dialect === "bash") this.push({ type: "single" }, 1);
    else if (c === '"' && this.dialect === "bash") this.push({ type: "double" }, 1);
    else if (c === opener) {
      frame.depth++;
      this.i++;
    } else if (c === closer && frame.depth > 0) {
      frame.depth--;
      this.i++;
    } else if (c === "]" && frame.closer === "]") this.pop(1);
    else if (c === ")" && frame.closer === "))" && this.s[this.i + 1] === ")") this.pop(2);
    else this.i++;
  }

  /** `\x`: x is taken literally; a marker right after it would lose its opening quote. */
  private backslash(escapedMarker: ShellContext = AFTER_BACKSLASH): void {
    if (this.s[this.i + 1] === this.marker) this.mark(this.i + 1, escapedMarker);
    this.i += 2;
  }

  private dollar(insideDouble: boolean): void {
    const next = this.s[this.i + 1];
    if (next === this.marker) {
      this.mark(this.i + 1, AFTER_DOLLAR);
      this.i += 2;
    } else if (next === "(" && this.s[this.i + 2] === "(") {
      this.push({ type: "arithmetic", closer: "))", depth: 0 }, 3);
    } else if (next === "[" && this.dialect === "bash") {
      this.push({ type: "arithmetic", closer: "]", depth: 0 }, 2);
    } else if (next === "(") {
      this.push(newCommandFrame(true), 2);
    } else if (next === "{") {
      this.push({ type: "parameter", insideDouble }, 2);
    } else if (next === "'" && !insideDouble) {
      this.push({ type: "ansi" }, 2);
    } else if (next === "$") {
      this.i += 2;
    } else {
      this.i++;
    }
  }

  /** From an unquoted `#` at the start of a word to the end of the line. */
  private comment(): void {
    while (this.i < this.s.length && this.s[this.i] !== "\n") {
      if (this.s[this.i] === this.marker) this.mark(this.i, IN_COMMENT);
      this.i++;
    }
  }

  /** `<<word` or `<<-word`: records the delimiter; the body starts after the next newline. */
  private heredocOperator(frame: Extract<Frame, { type: "command" }>): void {
    this.i += 2;
    let stripTabs = false;
    if (this.s[this.i] === "-") {
      stripTabs = true;
      this.i++;
    }
    while (this.s[this.i] === " " || this.s[this.i] === "\t") this.i++;
    let delimiter = "";
    let quote: string | null = null;
    let quoted = false;
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === this.marker) {
        this.mark(this.i++, IN_HEREDOC_WORD);
        continue;
      }
      if (quote !== null) {
        if (c === quote) quote = null;
        else delimiter += c;
        this.i++;
        continue;
      }
      if (c === "'" || c === '"') {
        quote = c;
        quoted = true;
        this.i++;
      } else if (c === "\\") {
        quoted = true;
        if (this.s[this.i + 1] === this.marker) this.mark(this.i + 1, IN_HEREDOC_WORD);
        delimiter += this.s[this.i + 1] ?? "";
        this.i += 2;
      } else if (" \t\n;&|<>()".includes(c)) {
        break;
      } else {
        delimiter += c;
        this.i++;
      }
    }
    if (delimiter.length > 0) frame.heredocs.push({ delimiter, stripTabs, expands: !quoted });
  }

  /** Here-document bodies, one after another, each up to its delimiter line. */
  private heredocBodies(heredocs: readonly Heredoc[]): void {
    for (const heredoc of heredocs) {
      while (this.i < this.s.length) {
        const newline = this.s.indexOf("\n", this.i);
        const end = newline < 0 ? this.s.length : newline;
        const line = this.s.slice(this.i, end);
        const next = newline < 0 ? this.s.length : newline + 1;
        if ((heredoc.stripTabs ? stripLeadingTabs(line) : line) === heredoc.delimiter) {
          this.i = next;
          break;
        }
        for (let at = line.indexOf(this.marker); at >= 0; at = line.indexOf(this.marker, at + 1)) {
          this.mark(this.i + at, IN_HEREDOC);
        }
        if (heredoc.expands && tangledSubstitution(line)) this.lost ??= AFTER_TANGLED_HEREDOC;
        this.i = next;
      }
    }
  }

  private push(frame: Frame, width: number): void {
    this.stack.push(frame);
    this.i += width;
  }

  private pop(width: number): void {
    if (this.stack.length > 1) this.stack.pop();
    this.i += width;
  }
}

function newCommandFrame(closesWithParen: boolean): Frame {
  return { type: "command", closesWithParen, parens: 0, wordStart: true, commandStart: true, cases: [], heredocs: [] };
}

/**
 * A body line whose command substitution may not end on it, or holds a here-document: the shell
 * parses the substitution as a script, so the body can end on another line than the delimiter
 * line the scanner finds (dash and bash differ there too). Counted roughly, erring towards yes.
 */
function tangledSubstitution(line: string): boolean {
  if (!line.includes("$(") && !line.includes("`")) return false;
  const count = (c: string) => line.split(c).length - 1;
  return line.includes("<<") || count("(") !== count(")") || count("`") % 2 === 1;
}

function stripLeadingTabs(line: string): string {
  let start = 0;
  while (line[start] === "\t") start++;
  return line.slice(start);
}
