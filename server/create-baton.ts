import path from "node:path";
import { fileURLToPath } from "node:url";
import { sdkNodeOptions } from "../shared/sdk/generate-env";
import type { Config } from "./config";
import { Engine } from "./engine";
import { CfgLauncher } from "./integrations/cfg-launcher";
import { RepositoryIntegrations } from "./integrations/repositories";
import { SecretBox } from "./integrations/repositories/secret-box";
import { SecretStore } from "./integrations/secrets/secret-store";
import { selectExecutor } from "./executors/select-executor";
import { openDatabase, type Db } from "./store/database";
import { PipelineStore } from "./store/pipeline-store";

/** The Baton installation's root: mounted read-only into generate containers so "baton" resolves. */
export const INSTALL_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface Baton {
  config: Config;
  db: Db;
  store: PipelineStore;
  engine: Engine;
  /** The one launcher of cfg sections: its duplicate policies see every source of launches. */
  launcher: CfgLauncher;
  /** Repositories, webhooks, local hooks, commit statuses and cron (server/integrations). */
  integrations: RepositoryIntegrations;
  /** Global and per-repository secrets, given to a repository's pipelines at each attempt's start. */
  secrets: SecretStore;
  executorReason: string;
  close(): Promise<void>;
}

/** Opens the store, picks the executor, builds the engine and resumes what a previous run left. */
export async function createBaton(config: Config, options: { recover?: boolean } = {}): Promise<Baton> {
  const db = openDatabase(config.dataDir);
  const store = new PipelineStore(db);
  const { executor, reason, cleanup } = await selectExecutor(config, { generateMounts: [INSTALL_ROOT] });
  const secrets = new SecretStore(db, SecretBox.open(config.dataDir, config.secretKey));
  const engine = new Engine({
    store,
    executor,
    dataDir: config.dataDir,
    maxParallel: config.maxParallel,
    generateEnv: { NODE_OPTIONS: sdkNodeOptions(), BATON_SDK_MOUNT: INSTALL_ROOT },
    generateImage: executor.name === "docker" ? config.generateImage : null,
    secrets: (repositoryId) => secrets.resolve(repositoryId),
  });
  if (options.recover !== false) {
    const recovered = await engine.recover();
    if (recovered.resumed > 0) {
      engine.emit(
        "notice",
        `resumed ${recovered.resumed} pipeline(s): ${recovered.reattached} running node(s) re-attached, ${recovered.lost} lost (worker_error)`,
      );
    }
    const removed = await cleanup(engine.runningWork()).catch(() => 0);
    if (removed > 0) engine.emit("notice", `removed ${removed} container(s) no live attempt needed`);
  }
  const launcher = new CfgLauncher(engine);
  if (options.recover !== false) launcher.rememberRunning(store.livePipelineIds().flatMap((id) => store.getPipeline(id) ?? []));
  const integrations = new RepositoryIntegrations(config, db, engine, launcher);
  // A command-line run (recover: false) may share a server's data dir: it leaves the server's deliveries and schedules alone.
  if (options.recover !== false) integrations.start();
  const sweeper = setInterval(() => void engine.sweep({ keepWorkspaceMs: 24 * 3_600_000, keepInMemoryMs: 10 * 60_000 }), 5 * 60_000);
  sweeper.unref();
  return {
    config,
    db,
    store,
    engine,
    launcher,
    integrations,
    secrets,
    executorReason: reason,
    async close() {
      clearInterval(sweeper);
      await integrations.close();
      await engine.close();
      db.close();
    },
  };
}
