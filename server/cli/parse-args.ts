/** What `baton <cfg> <event…> [--key=value…] [--dry-run] [--json] [--server URL]` asked for. */
export interface RunArgs {
  kind: "run";
  cfgPath: string;
  requested: string;
  variables: Record<string, string>;
  dryRun: boolean;
  json: boolean;
  server: string | null;
}

export type CliArgs = RunArgs | { kind: "help" } | { kind: "hook"; rest: string[] };

export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `usage: baton <cfg> <event> [label] [--key=value…] [--dry-run] [--json] [--server URL]
       baton hook install <repository path> [--server URL]

  baton .conducto.cfg push --branch=main            generate and run, live tree in the terminal
  baton .conducto.cfg pr --branch=feature --pr=7    any --key=value becomes a variable
  baton .conducto.cfg push --branch=main --dry-run  print the generated tree, run nothing
  baton .conducto.cfg push --branch=main --json     machine-readable final pipeline on stdout
  baton .conducto.cfg push --server http://host:8700  run it on a server (token in BATON_TOKEN)

exit status: 0 the pipeline ended done, 1 it ended failed, 2 bad input`;

const FLAGS = new Set(["dry-run", "json", "help"]);

export function parseArgs(argv: string[]): CliArgs {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") return { kind: "help" };
  if (argv[0] === "hook") return { kind: "hook", rest: argv.slice(1) };
  const positional: string[] = [];
  const variables: Record<string, string> = {};
  let dryRun = false;
  let json = false;
  let server: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? null : arg.slice(eq + 1);
    if (!/^[a-z][a-z0-9_-]*$/i.test(key)) throw new UsageError(`bad option ${JSON.stringify(arg)}`);
    if (FLAGS.has(key)) {
      if (value !== null) throw new UsageError(`--${key} takes no value`);
      if (key === "dry-run") dryRun = true;
      if (key === "json") json = true;
      if (key === "help") return { kind: "help" };
      continue;
    }
    if (value === null) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${key} needs a value (--${key}=…)`);
      value = next;
      i++;
    }
    if (key === "server") server = value;
    else variables[key.replace(/-/g, "_")] = value;
  }
  const [cfgPath, ...eventWords] = positional;
  if (!cfgPath) throw new UsageError("no cfg file given");
  if (eventWords.length === 0) throw new UsageError("no event given (push, pr, pr-close, create-branch, delete-branch, create-tag, delete-tag, cron)");
  return { kind: "run", cfgPath, requested: eventWords.join(" "), variables, dryRun, json, server };
}
