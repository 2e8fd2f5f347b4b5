import { DEFAULT_PIPELINE_LIMITS, validatePipeline } from "../pipeline/validate-pipeline";
import { isNode, PipelineBuildError, serializeTree } from "./nodes";
import type { Node } from "./nodes";
import { renderTree } from "./render-tree";

/** What `main` reads and writes; the process's own in `main`, stand-ins in tests. */
export interface MainIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** True when the script should print the wire format: Baton's generate step, or `--json`. */
export function wantsJson(io: Pick<MainIo, "argv" | "env">): boolean {
  return io.env.BATON_GENERATE === "1" || io.argv.includes("--json");
}

/** `main` without the process: returns the exit status instead of setting it. */
export function runMain(root: Node, io: MainIo): number {
  if (!isNode(root)) {
    io.stderr("baton: main() expects the pipeline's root node, built with Serial, Parallel, Exec or Lazy\n");
    return 1;
  }
  let json;
  try {
    json = serializeTree(root, undefined, DEFAULT_PIPELINE_LIMITS.maxNodes);
  } catch (error) {
    if (!(error instanceof PipelineBuildError)) throw error;
    io.stderr(`baton: invalid pipeline: ${error.message}\n`);
    return 1;
  }
  const result = validatePipeline(json);
  if (!result.ok) {
    io.stderr(`baton: invalid pipeline: ${result.error}\n`);
    return 1;
  }
  // The serialised tree rather than zod's copy: the same content, in the author's key order.
  io.stdout(wantsJson(io) ? `${JSON.stringify(json)}\n` : renderTree(json));
  return 0;
}

/**
 * Emits the pipeline: the last line of a pipeline script. In Baton's generate step
 * (`BATON_GENERATE=1`) or with `--json` it prints the pipeline JSON and nothing else on
 * stdout; run by hand it prints the tree as indented text. An invalid pipeline prints one
 * line on stderr and sets the exit status to 1.
 *
 * @example
 * import { Serial, Exec, main } from "baton";
 * main(Serial({ build: Exec("make"), test: Exec("make test") }));
 */
export function main(root: Node): void {
  const status = runMain(root, {
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  });
  if (status !== 0) process.exitCode = status;
}
