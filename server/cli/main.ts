import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LaunchError, type CfgLaunchRequest } from "../integrations/cfg-launcher";
import { CfgError } from "../cfg";
import { CliFailure } from "./cli-failure";
import { USAGE, UsageError, parseArgs, type RunArgs } from "./parse-args";
import { dryRun, runLocal } from "./run-local";
import { runRemote } from "./run-remote";

function repositoryOf(cfgPath: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: path.dirname(cfgPath), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    throw new CliFailure(`${cfgPath} is not in a git repository (Baton runs a commit)`);
  }
}

function launchRequest(args: RunArgs): CfgLaunchRequest {
  const cfgPath = path.resolve(args.cfgPath);
  if (!fs.existsSync(cfgPath)) throw new CliFailure(`no such file: ${args.cfgPath}`);
  if (!fs.statSync(cfgPath).isFile()) throw new CliFailure(`not a file: ${args.cfgPath}`);
  const { sha, ...variables } = args.variables;
  const user = variables.user ?? os.userInfo().username;
  return {
    repoDir: repositoryOf(cfgPath),
    cfgText: fs.readFileSync(cfgPath, "utf8"),
    cfgFile: args.cfgPath,
    requested: args.requested,
    variables: { ...variables, user },
    trigger: `cli:${user}`,
    handLaunch: true,
    ...(sha ? { sha } : {}),
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  switch (args.kind) {
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case "hook": {
      const { runHookCommand } = await import("./hook-command");
      return runHookCommand(args.rest);
    }
    case "run": {
      const request = launchRequest(args);
      if (args.dryRun) return dryRun(request, { json: args.json });
      if (args.server) return runRemote(args.server, process.env.BATON_TOKEN, request, { json: args.json });
      return runLocal(request, { json: args.json });
    }
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof CliFailure || error instanceof UsageError || error instanceof LaunchError || error instanceof CfgError) {
      const status = error instanceof CliFailure ? error.status : 2;
      process.stderr.write(`baton: ${error.message.split("\n")[0]}\n`);
      if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exitCode = status;
      return;
    }
    process.stderr.write(`baton: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
