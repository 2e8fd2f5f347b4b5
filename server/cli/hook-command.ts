import type { HookTokenResult } from "../../shared/api/repositories";
import { HookInstallError, installHook, locateRepository, uninstallHook } from "../integrations/local-git/install-hook";
import { CliFailure } from "./cli-failure";
import { UsageError } from "./parse-args";

export const HOOK_USAGE = `usage: baton hook install <repository path> [--server URL] [--token TOKEN] [--force]
       baton hook uninstall <repository path>

  Installs a post-receive hook (bare repository) or post-commit hook (work tree) that tells the
  Baton server about each change; the server launches the cfg's [push] section for it. With the
  admin token (--token or BATON_TOKEN) the server issues a token for this repository alone and
  the hook keeps that one. The server (--server, BATON_SERVER, else http://localhost:8700) must
  run on the same machine as the repository.`;

interface HookArgs {
  action: "install" | "uninstall";
  repoPath: string;
  server: string;
  token: string | undefined;
  force: boolean;
}

function parseHookArgs(rest: string[]): HookArgs {
  const [action, ...args] = rest;
  if (action !== "install" && action !== "uninstall") throw new UsageError(`unknown hook command ${JSON.stringify(action ?? "")}\n${HOOK_USAGE}`);
  const positional: string[] = [];
  let server = process.env.BATON_SERVER ?? "http://localhost:8700";
  let token = process.env.BATON_TOKEN;
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : null;
    if (name === null) {
      positional.push(arg);
      continue;
    }
    if (name === "force") {
      force = true;
      continue;
    }
    if (name !== "server" && name !== "token") throw new UsageError(`unknown option --${name}\n${HOOK_USAGE}`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
    if (name === "server") server = value;
    else token = value;
  }
  if (positional.length !== 1) throw new UsageError(`give one repository path\n${HOOK_USAGE}`);
  if (!/^https?:\/\/[^/]/.test(server)) throw new UsageError(`--server must be an http(s) URL, got ${JSON.stringify(server)}`);
  return { action, repoPath: positional[0]!, server: server.replace(/\/+$/, ""), token, force };
}

/** Exchanges the admin token for a token good for this repository alone; a hook token is kept as it is. */
async function hookToken(server: string, token: string, repo: string): Promise<{ token: string; kind: string }> {
  if (token.startsWith("bhk_")) return { token, kind: "the hook token given" };
  let response: Response;
  try {
    response = await fetch(`${server}/api/hooks/local-git/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ repo }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    process.stderr.write(`baton: cannot reach ${server} (${(error as Error).message}); the hook keeps the token given\n`);
    return { token, kind: "the token given (the server was not reachable to issue a hook token)" };
  }
  const body = (await response.json().catch(() => null)) as (HookTokenResult & { error?: { message: string } }) | null;
  if (!response.ok || !body?.token) throw new CliFailure(`${server} did not issue a hook token (${response.status}): ${body?.error?.message ?? response.statusText}`);
  return { token: body.token, kind: "a token for this repository alone" };
}

/** `baton hook install|uninstall <repository>`. */
export async function runHookCommand(rest: string[]): Promise<number> {
  const args = parseHookArgs(rest);
  try {
    if (args.action === "uninstall") {
      const removed = uninstallHook(args.repoPath);
      process.stderr.write(removed ? `baton: removed ${removed}\n` : `baton: ${args.repoPath} has no Baton hook\n`);
      return 0;
    }
    if (!args.token) throw new CliFailure("a token is needed: --token <admin token> or BATON_TOKEN");
    const { repo } = locateRepository(args.repoPath);
    const { token, kind } = await hookToken(args.server, args.token, repo);
    const installed = installHook({ repoPath: args.repoPath, server: args.server, token, nodePath: process.execPath, force: args.force });
    process.stderr.write(`baton: installed ${installed.hookPath} (${installed.bare ? "bare repository: every push" : "work tree: every commit"}) → ${args.server}, with ${kind}\n`);
    return 0;
  } catch (error) {
    if (error instanceof HookInstallError) throw new CliFailure(error.message);
    throw error;
  }
}
