/** The name reported when a caller does not say which file the text came from. */
export const DEFAULT_CFG_FILE_NAME = ".conducto.cfg";

/**
 * Every problem with a `.conducto.cfg`, a filter or a command template. The message is ready
 * for a one-line report: `<file>:<line>: <reason>` when the line is known, `<file>: <reason>`
 * when only the file is, else just the reason.
 */
export class CfgError extends Error {
  override readonly name: string = "CfgError";
  /** The problem without the `file:line:` prefix. */
  readonly reason: string;

  constructor(
    message: string,
    readonly line: number | null = null,
    readonly fileName?: string,
  ) {
    super(formatCfgMessage(message, line, fileName));
    this.reason = message;
  }
}

/**
 * A problem at one position inside a value (a filter or a command). `offset` counts UTF-16
 * units from the start of the value; the parser turns it into the file's line and column.
 */
export class CfgValueError extends CfgError {
  override readonly name: string = "CfgValueError";

  constructor(
    readonly valueKind: "filter" | "command",
    readonly problem: string,
    readonly offset: number,
    /** 1-based column: inside the value when `line` is null, inside the file's line otherwise. */
    readonly column: number,
    line: number | null = null,
    fileName?: string,
  ) {
    super(`${valueKind} column ${column}: ${problem}`, line, fileName);
  }
}

/** The 1-based column of `offset` in `text`, counted from the last newline before it. */
export function columnOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return offset - lineStart + 1;
}

function formatCfgMessage(reason: string, line: number | null, fileName: string | undefined): string {
  if (line !== null) return `${fileName ?? DEFAULT_CFG_FILE_NAME}:${line}: ${reason}`;
  if (fileName !== undefined) return `${fileName}: ${reason}`;
  return reason;
}
