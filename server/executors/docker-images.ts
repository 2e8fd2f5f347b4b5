import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { Readable } from "node:stream";
import type Docker from "dockerode";
import type { ImageSpec } from "../../shared/pipeline/pipeline-schema";
import { Label, engineReason, followJsonLines, isEngineUnreachable, isNotFound, describeEngineError } from "./docker-client";
import { WorkerError } from "./executor";
import { runProgram, type ProgramFailed } from "./run-program";
import type { OutputSink } from "./executor";

/**
 * Where an attempt's container comes from: an image by name (pulled when missing), an image built
 * by the engine from a Dockerfile at the pipeline's commit (tagged by a hash of its content, so an
 * unchanged Dockerfile and context are never rebuilt), and the repository snapshot `copyRepo` puts
 * under `/workspace`.
 *
 * The snapshot is one image per (pipeline, base image): a container of the base image is created
 * (never started), the `git archive` of the commit that `preparePipeline` wrote once is unpacked
 * into it at `/workspace`, and the container is committed. Every attempt's container then starts
 * from that image, so each sees a pristine copy through its own overlay layer: the copy costs one
 * archive per pipeline and one commit per base image, nothing per node.
 *
 * An attempt that shares its repository copy with no other (`ownCopy`: the generate step, a
 * sameContainer Serial's one container) gets no snapshot: the archive is unpacked straight into
 * its own container before it starts (`repoArchive`), which saves the builder container and the
 * commit — about half the cost of the copy, and on the path from a push to its first command.
 */

/** The repository of a prepared pipeline: the commit pinned and its files archived once. */
export interface PreparedRepo {
  pipelineId: string;
  repoDir: string;
  sha: string;
  /** `git archive --prefix=workspace/` of the commit, in the executor's data dir. */
  archivePath: string;
}

/** An image ready to create containers from: what to pass as `Image`, and its content id. */
export interface ResolvedImage {
  ref: string;
  id: string;
  /** The image's own entrypoint and command, when known from the inspect that resolved it. */
  config?: { Entrypoint?: string[] | string | null; Cmd?: string[] | null };
  /** Set when the repository is not in the image: this archive goes into the container at `/` before it starts. */
  repoArchive?: string;
}

const DOCKERFILE_IN_CONTEXT = ".baton.Dockerfile";

export class DockerImages {
  private readonly pulls = new Map<string, Promise<ResolvedImage>>();
  private readonly builds = new Map<string, Promise<ResolvedImage>>();
  private readonly snapshots = new Map<string, { pipelineId: string; image: Promise<string> }>();
  /** (repository, base image) pairs whose Execs have wanted a snapshot: the ones worth making ahead. */
  private readonly wantedAhead = new Set<string>();
  /** Builds this process started (not counting images found already built): what a cache test observes. */
  buildsStarted = 0;

  constructor(
    private readonly docker: Docker,
    private readonly instanceId: string,
  ) {}

  /**
   * The image an attempt runs in. With `copyRepo`, the repository snapshot on top of it, or, for an
   * attempt whose copy is its own (`ownCopy`), the base image and the archive to put into its container.
   */
  async resolve(spec: ImageSpec | null, defaultImage: string, repo: PreparedRepo | null, sink: OutputSink, ownCopy = false): Promise<ResolvedImage> {
    let base: ResolvedImage;
    if (spec?.dockerfile || spec?.dockerfileText) base = await this.built(spec, repo, sink);
    else base = await this.named(spec?.image ?? defaultImage, sink);
    if (!spec?.copyRepo || !repo) return base;
    if (ownCopy) return { ...base, repoArchive: repo.archivePath };
    remember(this.wantedAhead, `${repo.repoDir}\0${base.id}`);
    return { ref: await this.snapshot(base, repo, sink), id: base.id };
  }

  /** An image by name: the local one if present, else pulled. */
  async named(name: string, sink: OutputSink): Promise<ResolvedImage> {
    try {
      const info = await this.docker.getImage(name).inspect();
      return { ref: name, id: info.Id, config: info.Config };
    } catch (error) {
      if (!isNotFound(error)) throw engineFailure(`Image "${name}" could not be inspected`, error);
    }
    let pull = this.pulls.get(name);
    if (!pull) {
      pull = this.pull(name, sink).finally(() => this.pulls.delete(name));
      this.pulls.set(name, pull);
    } else {
      system(sink, `waiting for image ${name} to be pulled`);
    }
    return pull;
  }

  private async pull(name: string, sink: OutputSink): Promise<ResolvedImage> {
    system(sink, `pulling image ${name}`);
    try {
      const stream = (await this.docker.pull(withTag(name))) as Readable;
      await followJsonLines(stream, (event) => {
        // Per-layer progress is noise in a log; the summary lines ("Digest: …", "Status: …") are not.
        if (typeof event.status === "string" && event.id === undefined) system(sink, event.status);
      });
      const info = await this.docker.getImage(name).inspect();
      return { ref: name, id: info.Id, config: info.Config };
    } catch (error) {
      throw engineFailure(`Image "${name}" is not available locally and could not be pulled`, error);
    }
  }

  /** An image built by the engine from a Dockerfile (in the commit, or given as text) and a context at the commit. */
  async built(spec: ImageSpec, repo: PreparedRepo | null, sink: OutputSink): Promise<ResolvedImage> {
    const where = spec.dockerfile ? `Dockerfile ${spec.dockerfile}` : "the node's Dockerfile text";
    const context = spec.context !== undefined ? normaliseRepoPath(spec.context) : spec.dockerfile ? "." : null;
    if ((spec.dockerfile || context !== null) && !repo) {
      throw new WorkerError(`Cannot build an image from ${where}${context !== null ? ` with context ${context}` : ""}: the pipeline has no repository`);
    }
    let dockerfileText: string;
    let treeId = "";
    try {
      dockerfileText = spec.dockerfileText ?? (await git(repo!.repoDir, ["show", `${repo!.sha}:${normaliseRepoPath(spec.dockerfile!)}`]));
      if (context !== null) treeId = (await git(repo!.repoDir, ["rev-parse", "--verify", `${treeish(repo!.sha, context)}^{tree}`])).trim();
    } catch (error) {
      throw new WorkerError(`Cannot build an image from ${where}: ${(error as Error).message}`);
    }
    const hash = createHash("sha256").update(["baton-build-v1", dockerfileText, treeId].join("\0")).digest("hex");
    const tag = `baton-build:${hash.slice(0, 32)}`;

    let build = this.builds.get(tag);
    if (build) {
      system(sink, `waiting for image ${tag}, being built from ${where} for another attempt`);
      return build;
    }
    build = (async () => {
      try {
        const info = await this.docker.getImage(tag).inspect();
        system(sink, `using image ${tag}, already built from ${where}`);
        return { ref: tag, id: info.Id, config: info.Config };
      } catch (error) {
        if (!isNotFound(error)) throw engineFailure(`Image ${tag} could not be inspected`, error);
      }
      this.buildsStarted++;
      system(sink, `building image ${tag} from ${where}${context !== null ? `, context ${context} at ${repo!.sha.slice(0, 12)}` : ""}`);
      const header = tarEntry(DOCKERFILE_IN_CONTEXT, Buffer.from(dockerfileText));
      const files = context !== null ? gitArchive(repo!.repoDir, treeish(repo!.sha, context)) : null;
      const buildContext = Readable.from(concatContext(header, files), { objectMode: false });
      try {
        const stream = (await this.docker.buildImage(buildContext, {
          t: tag,
          dockerfile: DOCKERFILE_IN_CONTEXT,
          rm: true,
          forcerm: true,
          labels: { [Label.kind]: "build" },
        })) as unknown as Readable;
        await followJsonLines(stream, (event) => {
          if (typeof event.stream === "string") sink("system", Buffer.from(event.stream));
        });
        const info = await this.docker.getImage(tag).inspect();
        return { ref: tag, id: info.Id, config: info.Config };
      } catch (error) {
        files?.destroy();
        throw engineFailure(`Building the image from ${where} failed`, error);
      }
    })();
    // Only a build in flight is shared; afterwards the engine's tag is the cache (a failed build is retried).
    this.builds.set(tag, build);
    const forget = () => this.builds.delete(tag);
    build.then(forget, forget);
    return build;
  }

  /** The base image with the pipeline's repository at `/workspace`: made once per (pipeline, base image). */
  async snapshot(base: ResolvedImage, repo: PreparedRepo, sink: OutputSink): Promise<string> {
    const key = createHash("sha256").update([this.instanceId, repo.pipelineId, repo.sha, base.id].join("\0")).digest("hex").slice(0, 32);
    const tag = `baton-snapshot:${key}`;
    const known = this.snapshots.get(key);
    if (known) return known.image;
    const image = (async () => {
      try {
        await this.docker.getImage(tag).inspect();
        return tag;
      } catch (error) {
        if (!isNotFound(error)) throw engineFailure(`Image ${tag} could not be inspected`, error);
      }
      system(sink, `copying the repository at ${repo.sha.slice(0, 12)} onto ${base.ref} as ${tag}`);
      const config = base.config ?? (await this.docker.getImage(base.id).inspect()).Config;
      // Created only to be committed, never started: its command is the base image's own, so the
      // snapshot's configuration is the base image's plus the workspace and Baton's labels.
      const builder = await this.docker.createContainer({
        Image: base.id,
        Entrypoint: config.Entrypoint ?? undefined,
        Cmd: config.Cmd?.length || config.Entrypoint?.length ? (config.Cmd ?? undefined) : ["/bin/sh"],
        WorkingDir: "/workspace",
        Labels: {
          [Label.instance]: this.instanceId,
          [Label.pipeline]: repo.pipelineId,
          [Label.kind]: "snapshot",
        },
      });
      try {
        await builder.putArchive(createReadStream(repo.archivePath), { path: "/" });
        await builder.commit({ repo: "baton-snapshot", tag: key, pause: false, comment: `Baton: ${repo.pipelineId} at ${repo.sha}` });
      } finally {
        await builder.remove({ force: true }).catch(() => undefined);
      }
      return tag;
    })().catch((error: unknown) => {
      throw engineFailure(`Copying the repository onto ${base.ref} failed`, error);
    });
    // Only a snapshot in flight is shared; afterwards its tag is found by the inspect above.
    this.snapshots.set(key, { pipelineId: repo.pipelineId, image });
    const forget = () => this.snapshots.delete(key);
    image.then(forget, forget);
    return image;
  }

  /**
   * Starts making the snapshot of `base` for the attempts to come, without waiting for it, when an
   * earlier pipeline of the repository had Execs in that image with the repository (the generate
   * step's image is most pipelines' Exec image too; where it is not, nothing is made for nothing).
   * A failure is the next user's to see.
   */
  snapshotAhead(base: ResolvedImage, repo: PreparedRepo): void {
    if (!this.wantedAhead.has(`${repo.repoDir}\0${base.id}`)) return;
    this.snapshot({ ref: base.ref, id: base.id, ...(base.config ? { config: base.config } : {}) }, repo, () => undefined).catch(() => undefined);
  }

  /** Removes the pipeline's snapshot images (its containers must be gone first), once those being made are done. */
  async removeSnapshots(pipelineId: string): Promise<void> {
    const making: Promise<unknown>[] = [];
    for (const [key, entry] of this.snapshots) {
      if (entry.pipelineId !== pipelineId) continue;
      making.push(entry.image.catch(() => undefined));
      this.snapshots.delete(key);
    }
    await Promise.all(making);
    const images = await this.docker.listImages({
      filters: { label: [`${Label.kind}=snapshot`, `${Label.instance}=${this.instanceId}`, `${Label.pipeline}=${pipelineId}`] },
    });
    for (const image of images) {
      await this.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
    }
  }
}

/** Adds to a set that keeps only its most recent 1,000 entries. */
function remember(set: Set<string>, key: string): void {
  set.delete(key);
  set.add(key);
  if (set.size > 1000) set.delete(set.values().next().value as string);
}

function system(sink: OutputSink, line: string): void {
  sink("system", Buffer.from(`${line}\n`));
}

function engineFailure(what: string, error: unknown): WorkerError {
  if (error instanceof WorkerError) return error;
  if (isEngineUnreachable(error)) return new WorkerError(`${what}: ${describeEngineError(error)}`);
  return new WorkerError(`${what}: ${engineReason(error)}`);
}

/** `node` → `node:latest`; a name with a tag or digest stays as it is. */
function withTag(name: string): string {
  if (name.includes("@")) return name;
  const lastPart = name.slice(name.lastIndexOf("/") + 1);
  return lastPart.includes(":") ? name : `${name}:latest`;
}

/** A repository-relative path without `./`, trailing `/` or `..`; `.` for the root. */
export function normaliseRepoPath(path: string): string {
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw new WorkerError(`The path ${path} leaves the repository`);
  return parts.length ? parts.join("/") : ".";
}

function treeish(sha: string, path: string): string {
  return path === "." ? sha : `${sha}:${path}`;
}

// ---- git ---------------------------------------------------------------------------------------

/** Git in `repoDir`, started through the process-spawner helper (runProgram); rejects with git's own message. */
export async function git(repoDir: string, args: string[]): Promise<string> {
  try {
    return await runProgram("git", ["-C", repoDir, ...args], { env: gitEnv() });
  } catch (error) {
    const failed = error as Partial<ProgramFailed> & Error;
    throw new Error(failed.stderr?.trim() || failed.message);
  }
}

/** The commit `sha` names (HEAD when null), verified to exist. */
export async function pinCommit(repoDir: string, sha: string | null): Promise<string> {
  return (await git(repoDir, ["rev-parse", "--verify", "--end-of-options", `${sha ?? "HEAD"}^{commit}`])).trim();
}

/** Writes the tar of the commit's files, under `workspace/`, to `file`. */
export async function writeRepoArchive(repoDir: string, sha: string, file: string): Promise<void> {
  await git(repoDir, ["archive", "--format=tar", "--prefix=workspace/", `--output=${resolvePath(file)}`, "--end-of-options", sha]);
}

/** `git archive` as a stream; a failure of git destroys the stream with git's message. */
function gitArchive(repoDir: string, tree: string, extra: string[] = []): Readable {
  const child = spawn("git", ["-C", repoDir, "archive", "--format=tar", ...extra, tree], { stdio: ["ignore", "pipe", "pipe"], env: gitEnv() });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  child.on("close", (code) => {
    if (code !== 0) child.stdout.destroy(new Error(`git archive ${tree} failed: ${stderr.trim() || `exit ${code}`}`));
  });
  child.on("error", (error) => child.stdout.destroy(error));
  return child.stdout;
}

/** git's environment: nothing from the server's but what git needs to run. */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" };
  for (const name of ["PATH", "HOME"]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

// ---- build context -----------------------------------------------------------------------------

/** The Dockerfile entry first, then the context's files (or the end of the archive when there are none). */
async function* concatContext(first: Buffer, rest: Readable | null): AsyncGenerator<Buffer> {
  yield first;
  if (!rest) {
    yield Buffer.alloc(1024);
    return;
  }
  for await (const chunk of rest) yield chunk as Buffer;
}

/** One regular file as a ustar entry: a 512-byte header, then the content padded to 512 bytes. */
export function tarEntry(name: string, content: Buffer): Buffer {
  if (Buffer.byteLength(name) > 99) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "utf8");
  const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  field(148, 8, "        ");
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  field(265, 32, "root");
  field(297, 32, "root");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding]);
}
