import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { HOOK_MARKER, hookScript, type HookKind } from "./hook-script";

/** The hook cannot be installed as asked (not a repository, a foreign hook in the way). */
export class HookInstallError extends Error {
  override name = "HookInstallError";
}

export interface LocalRepository {
  /** The path the server is told: the work tree's top level, or the bare repository. */
  repo: string;
  bare: boolean;
  hooksDir: string;
  kind: HookKind;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Where a repository's hooks live (`core.hooksPath` honoured) and which hook reports its changes. */
export function locateRepository(repoPath: string): LocalRepository {
  let real: string;
  try {
    real = fs.realpathSync(repoPath);
  } catch {
    throw new HookInstallError(`no such directory: ${repoPath}`);
  }
  let bare: boolean;
  try {
    bare = git(real, "rev-parse", "--is-bare-repository") === "true";
  } catch {
    throw new HookInstallError(`${repoPath} is not a git repository`);
  }
  const repo = bare ? real : git(real, "rev-parse", "--show-toplevel");
  const hooksDir = path.resolve(real, git(real, "rev-parse", "--git-path", "hooks"));
  return { repo, bare, hooksDir, kind: bare ? "post-receive" : "post-commit" };
}

/**
 * Writes Baton's hook into a repository: `post-receive` in a bare repository (every push to
 * it), `post-commit` in a work tree (every commit made in it). The file is mode 0700: it holds
 * the token. A hook that is not Baton's is kept unless `force`, then saved as `<hook>.pre-baton`.
 */
export function installHook(options: { repoPath: string; server: string; token: string; nodePath: string; force?: boolean }): LocalRepository & { hookPath: string } {
  const located = locateRepository(options.repoPath);
  const hookPath = path.join(located.hooksDir, located.kind);
  if (fs.existsSync(hookPath)) {
    const existing = fs.readFileSync(hookPath, "utf8");
    if (!existing.includes(HOOK_MARKER)) {
      if (!options.force) throw new HookInstallError(`${hookPath} exists and is not Baton's; pass --force to replace it (it is kept as ${located.kind}.pre-baton)`);
      fs.renameSync(hookPath, `${hookPath}.pre-baton`);
    }
  }
  fs.mkdirSync(located.hooksDir, { recursive: true });
  const text = hookScript({ kind: located.kind, server: options.server.replace(/\/+$/, ""), repo: located.repo, token: options.token, nodePath: options.nodePath });
  const temporary = `${hookPath}.baton-${process.pid}`;
  fs.writeFileSync(temporary, text, { mode: 0o700 });
  fs.chmodSync(temporary, 0o700);
  fs.renameSync(temporary, hookPath);
  return { ...located, hookPath };
}

/** Removes Baton's hook (and puts back the one it replaced). Returns the path removed, or null. */
export function uninstallHook(repoPath: string): string | null {
  const located = locateRepository(repoPath);
  const hookPath = path.join(located.hooksDir, located.kind);
  if (!fs.existsSync(hookPath) || !fs.readFileSync(hookPath, "utf8").includes(HOOK_MARKER)) return null;
  fs.rmSync(hookPath);
  if (fs.existsSync(`${hookPath}.pre-baton`)) fs.renameSync(`${hookPath}.pre-baton`, hookPath);
  return hookPath;
}
