#!/usr/bin/env node
// Builds the native process spawner (server/executors/process-spawner.c) into
// .baton-native/process-spawner, where the local executor prefers it to the Perl helper. Runs as
// the postinstall script: it prints one line and never fails the install; without a C compiler,
// or when the build fails, the Perl helper is used. Rebuilds only when the source is newer.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "server/executors/process-spawner.c");
const target = path.join(root, ".baton-native/process-spawner");
const shown = path.relative(root, target);
const FLAGS = ["-O2", "-Wall", "-Wextra", "-std=gnu11"];

function say(line) {
  console.log(`native process spawner: ${line}`);
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function main() {
  const sourceTime = mtime(source);
  if (sourceTime === null) return say(`${path.relative(root, source)} is missing; the Perl helper will be used`);
  const targetTime = mtime(target);
  if (targetTime !== null && targetTime >= sourceTime) return say(`${shown} is up to date`);

  const compiler = ["cc", "gcc"].find((name) => !spawnSync(name, ["--version"], { stdio: "ignore" }).error);
  if (!compiler) return say("no C compiler (cc or gcc) found; the Perl helper will be used");

  // Built beside the target and renamed over it: a running server never sees half a binary.
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.tmp`;
  const built = spawnSync(compiler, [...FLAGS, "-o", partial, source], { encoding: "utf8" });
  if (built.error || built.status !== 0) {
    // An older build would no longer match its source: the Perl helper is the one that does.
    fs.rmSync(partial, { force: true });
    fs.rmSync(target, { force: true });
    const reason = (built.error?.message ?? built.stderr).trim().split("\n")[0] || `exit code ${built.status}`;
    return say(`${compiler} failed (${reason}); the Perl helper will be used`);
  }
  fs.renameSync(partial, target);
  say(`built ${shown} with ${compiler}${built.stderr.trim() ? " (with warnings)" : ""}`);
}

try {
  main();
} catch (error) {
  say(`could not build (${error.message}); the Perl helper will be used`);
}
process.exitCode = 0;
