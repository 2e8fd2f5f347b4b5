import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseDuration, isDuration } from "../shared/pipeline/duration";

/**
 * The server's configuration, parsed once from the environment. Nothing else in server/ reads
 * process.env: commands get a clean environment built from `commandPath` and `commandHome` only.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8700),
  HOST: z.string().default("0.0.0.0"),
  BATON_DATA: z.string().default(".baton"),
  BATON_EXECUTOR: z.enum(["auto", "docker", "local"]).default("auto"),
  BATON_MAX_PARALLEL: z.coerce.number().int().positive().default(16),
  BATON_PUBLIC_URL: z.string().url().optional(),
  BATON_ADMIN_TOKEN: z.string().min(16, "BATON_ADMIN_TOKEN must be at least 16 characters").optional(),
  BATON_ADMIN_PASSWORD: z.preprocess((value) => (value === "" ? undefined : value), z.string().min(8, "BATON_ADMIN_PASSWORD must be at least 8 characters").max(1024).optional()),
  BATON_SECRET_KEY: z.string().min(16).optional(),
  BATON_KILL_GRACE: z.string().refine(isDuration, "a duration such as 10s").default("10s"),
  BATON_GENERATE_IMAGE: z.string().default("node:20"),
  BATON_INSTANCE: z.string().regex(/^[a-zA-Z0-9_.-]+$/).optional(),
  DOCKER_HOST: z.string().optional(),
  /** Crash tests only: webhook processing stops for good at this point (see RepositoryIntegrations). */
  BATON_TEST_PAUSE: z.enum(["delivery-before-launch", "delivery-before-finish"]).optional(),
  PATH: z.string().default("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
  HOME: z.string().default(os.homedir()),
});

export type TestPausePoint = "delivery-before-launch" | "delivery-before-finish";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  executor: "auto" | "docker" | "local";
  maxParallel: number;
  /** Where users and GitHub reach this server: BATON_PUBLIC_URL, else http://localhost:<the port it listens on>. */
  publicUrl: string;
  /** True when publicUrl names the port rather than BATON_PUBLIC_URL (see withListeningPort). */
  publicUrlFromPort: boolean;
  adminToken: string | undefined;
  /** The first admin's password (only used when there are no users yet). */
  adminPassword: string | undefined;
  secretKey: string | undefined;
  killGraceMs: number;
  generateImage: string;
  instanceId: string | undefined;
  dockerHost: string | undefined;
  testPause: TestPausePoint | null;
  /** PATH and HOME given to commands: the only values of the server's own environment they see. */
  commandPath: string;
  commandHome: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid configuration: ${reasons.join("; ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.BATON_DATA),
    executor: e.BATON_EXECUTOR,
    maxParallel: e.BATON_MAX_PARALLEL,
    publicUrl: (e.BATON_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    publicUrlFromPort: e.BATON_PUBLIC_URL === undefined,
    adminToken: e.BATON_ADMIN_TOKEN,
    adminPassword: e.BATON_ADMIN_PASSWORD,
    secretKey: e.BATON_SECRET_KEY,
    killGraceMs: parseDuration(e.BATON_KILL_GRACE),
    generateImage: e.BATON_GENERATE_IMAGE,
    instanceId: e.BATON_INSTANCE,
    dockerHost: e.DOCKER_HOST,
    testPause: e.BATON_TEST_PAUSE ?? null,
    commandPath: e.PATH,
    commandHome: e.HOME,
  };
}

/** The config once the server listens: with PORT=0 (any free port) the public URL gets the port it got. */
export function withListeningPort(config: Config, port: number): Config {
  return config.publicUrlFromPort ? { ...config, publicUrl: `http://localhost:${port}` } : config;
}
