import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { Config } from "../config";
import type { Executor } from "./executor";
import { LocalExecutor } from "./local-executor";

export interface ExecutorChoice {
  executor: Executor;
  /** After recovery: removes the executor's leftovers that no live attempt needs. */
  cleanup(keep: { refs: string[]; pipelines: string[] }): Promise<number>;
  /** Why this one, for the start-up line: "docker (engine at /var/run/docker.sock answered)". */
  reason: string;
}

/**
 * BATON_EXECUTOR=auto picks Docker when an engine answers (DOCKER_HOST or the local socket),
 * else the local executor; `docker` insists on Docker; `local` never asks.
 */
export async function selectExecutor(config: Config, options: { generateMounts?: string[] } = {}): Promise<ExecutorChoice> {
  const local = () =>
    new LocalExecutor({
      workRoot: path.join(config.dataDir, "work"),
      killGraceMs: config.killGraceMs,
      commandPath: config.commandPath,
      commandHome: config.commandHome,
    });
  const nothingToClean = async () => 0;
  if (config.executor === "local") return { executor: local(), reason: "local (BATON_EXECUTOR=local)", cleanup: nothingToClean };
  const { DockerExecutor, cleanupOrphans } = await import("./docker-executor");
  const dockerHost = config.dockerHost;
  const answers = await DockerExecutor.probe(dockerHost ? { dockerHost } : {});
  if (answers) {
    // One instance per machine and data dir: servers (or CLIs) on other data dirs never touch these containers.
    const instanceId = config.instanceId ?? `${os.hostname()}-${crypto.createHash("sha1").update(config.dataDir).digest("hex").slice(0, 8)}`;
    const executor = new DockerExecutor({
      instanceId,
      killGraceMs: config.killGraceMs,
      dataDir: config.dataDir,
      defaultImage: config.generateImage,
      ...(options.generateMounts ? { generateMounts: options.generateMounts } : {}),
      ...(dockerHost ? { dockerHost } : {}),
    });
    return {
      executor,
      reason: `docker (engine at ${dockerHost ?? "/var/run/docker.sock"} answered)`,
      cleanup: async (keep) =>
        (await cleanupOrphans(instanceId, { keepRefs: keep.refs, keepPipelines: keep.pipelines, keepWarmOwner: executor.warmOwner, ...(dockerHost ? { dockerHost } : {}) })).length,
    };
  }
  if (config.executor === "docker") throw new Error(`BATON_EXECUTOR=docker but no Docker engine answers at ${dockerHost ?? "/var/run/docker.sock"}`);
  return { executor: local(), reason: "local (no Docker engine answered)", cleanup: nothingToClean };
}
