import os from "node:os";
import path from "node:path";
import type { Config } from "../config";
import type { Executor } from "./executor";
import { LocalExecutor } from "./local-executor";

export interface ExecutorChoice {
  executor: Executor;
  /** Why this one, for the start-up line: "docker (engine at /var/run/docker.sock answered)". */
  reason: string;
}

/**
 * BATON_EXECUTOR=auto picks Docker when an engine answers (DOCKER_HOST or the local socket),
 * else the local executor; `docker` insists on Docker; `local` never asks.
 */
export async function selectExecutor(config: Config): Promise<ExecutorChoice> {
  const local = () =>
    new LocalExecutor({
      workRoot: path.join(config.dataDir, "work"),
      killGraceMs: config.killGraceMs,
      commandPath: config.commandPath,
      commandHome: config.commandHome,
    });
  if (config.executor === "local") return { executor: local(), reason: "local (BATON_EXECUTOR=local)" };
  const { DockerExecutor } = await import("./docker-executor");
  const answers = await DockerExecutor.probe();
  if (answers) {
    const executor = new DockerExecutor({
      instanceId: config.instanceId ?? os.hostname(),
      killGraceMs: config.killGraceMs,
      dataDir: config.dataDir,
      defaultImage: config.generateImage,
    });
    return { executor, reason: `docker (engine at ${config.dockerHost ?? "/var/run/docker.sock"} answered)` };
  }
  if (config.executor === "docker") throw new Error(`BATON_EXECUTOR=docker but no Docker engine answers at ${config.dockerHost ?? "/var/run/docker.sock"}`);
  return { executor: local(), reason: "local (no Docker engine answered)" };
}
