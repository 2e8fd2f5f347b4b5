import fs from "node:fs";
import { runProgram } from "./run-program";

/** Git with no user or system config and no prompts: what the server's checkouts see is the repository alone. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_ADVICE: "0",
};

/** Runs git to its end (through the process-spawner helper, see runProgram); rejects with ProgramFailed. */
export function git(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<string> {
  return runProgram("git", args, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent", ...GIT_ENV, ...options.env },
  });
}

/**
 * Makes `dir` a checkout of `sha` from the repository at `repo` — the commit's files, never a
 * working copy's uncommitted changes. The objects are shared with the source (no copy).
 */
export async function checkoutCommit(repo: string, sha: string, dir: string): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  await git(["clone", "--quiet", "--shared", "--no-checkout", repo, dir]);
  await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha], { cwd: dir });
}

/** The commit a ref names in a repository (a branch, a tag, HEAD, a sha). */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  return (await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repo })).trim();
}
