import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Shells a generate step may meet as `sh`: the real /bin/sh (dash on Debian), and where this
 * machine has them bash (sh on Fedora-based images) and busybox (Alpine). For tests only.
 */
export const SHELLS: readonly string[] = [
  "/bin/sh",
  ...(existsSync("/bin/bash") ? ["/bin/bash"] : []),
  ...(existsSync("/usr/bin/busybox") ? ["/usr/bin/busybox sh"] : []),
];

const ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

/** Runs `script` with the real /bin/sh, as the generate step will; for tests only. */
export function runSh(script: string, options: { cwd?: string } = {}): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync("/bin/sh", ["-c", script], { cwd: options.cwd, encoding: "utf8", timeout: 10_000, input: "", env: ENV });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/**
 * Runs each script with `sh -c` in every shell of SHELLS, from one driver process (a spawn
 * from Node costs far more than one from sh), and returns the runs after which `marker`
 * existed. Each run starts with the marker removed and works in `dir`/work.
 */
export function scriptsThatCreate(scripts: readonly string[], marker: string, dir: string): { script: string; shell: string }[] {
  const scriptDir = join(dir, "scripts");
  const workDir = join(dir, "work");
  mkdirSync(scriptDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  scripts.forEach((script, index) => writeFileSync(join(scriptDir, String(index).padStart(6, "0")), script));
  const driver = `
    for f in "$1"/*; do
      s=$(cat "$f"; printf x); s=\${s%x}
      for shell in ${SHELLS.map((shell) => `'${shell}'`).join(" ")}; do
        rm -f "$2"
        (cd "$3" && timeout 5 $shell -c "$s") </dev/null >/dev/null 2>&1
        if [ -e "$2" ]; then printf '%s\\t%s\\n' "\${f##*/}" "$shell"; fi
      done
    done`;
  const result = spawnSync("/bin/sh", ["-c", driver, "driver", scriptDir, marker, workDir], { encoding: "utf8", env: ENV, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`the shell driver failed: ${result.stderr}`);
  return result.stdout
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [index, shell] = line.split("\t");
      return { script: scripts[Number(index)] as string, shell: shell as string };
    });
}
