import { spawnSync } from "node:child_process";

/** Runs `script` with the real /bin/sh, as the generate step will; for tests only. */
export function runSh(script: string, options: { cwd?: string } = {}): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync("/bin/sh", ["-c", script], { cwd: options.cwd, encoding: "utf8", timeout: 10_000, input: "", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}
