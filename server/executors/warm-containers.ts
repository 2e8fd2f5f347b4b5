import { createHash, randomUUID } from "node:crypto";
import type Docker from "dockerode";
import { Label, isNotFound } from "./docker-client";

/**
 * Pre-started containers for generate steps (DESIGN §4): one idle container per (image, binds,
 * limits), created and started before a delivery comes, so that a generate step skips the
 * container start. Each serves exactly one step and is never reused.
 *
 * The idle container's main process is `/bin/sh -s` under the engine's init, reading its script
 * from stdin (`OpenStdin`, `StdinOnce`). Taking it attaches to it and writes one `{ … }` block
 * that exports the request's environment and `exec`s `/bin/sh -c <command>`: from then on the
 * container is what an attempt's own container is — the command is the init's child (so `stop`
 * reaches it), its output is the container's log, its exit code the container's. A block cut
 * short (the server died while writing) is a syntax error and runs nothing.
 */

/** `baton.kind` of a warm container; it has no pipeline label, a taken one is found by its id. */
export const WARM_KIND = "warm";
export const WarmLabel = {
  /** Which executor object made it: a live owner's containers are not orphans. */
  owner: "baton.warm-owner",
  key: "baton.warm-key",
} as const;

export interface WarmSpec {
  /** The image as the container is created from it, and its id (the key: a re-tagged name is another image). */
  ref: string;
  id: string;
  binds: string[];
  limits: { NanoCpus?: number; Memory?: number };
}

export interface WarmContainer {
  id: string;
  /** The image's own environment, which the launch script restores for the variables the idle shell changed. */
  imageEnv: string[];
}

interface Slot {
  spec: WarmSpec;
  container: Promise<WarmContainer | null>;
}

/** Variables a shell sets or changes for itself; the launch script puts them back as the image has them. */
const SHELL_OWN = ["SHLVL", "PWD", "OLDPWD", "_"];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class WarmContainers {
  /** Names this pool's containers: a cleanup told to keep them (the server's own, just started) leaves them alone. */
  readonly owner = randomUUID();
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly instanceId: string,
    private readonly options: { workdir: string; maxSpecs?: number },
  ) {}

  /** Makes a warm container for `spec` in the background unless one is there or on its way. */
  prepare(spec: WarmSpec): void {
    if (this.closed) return;
    const key = specKey(spec);
    const existing = this.slots.get(key);
    if (existing) {
      // Most recently wanted last: the oldest spec is the one dropped when there are too many.
      this.slots.delete(key);
      this.slots.set(key, existing);
      return;
    }
    const slot: Slot = { spec, container: this.create(spec, key) };
    this.slots.set(key, slot);
    slot.container.then((made) => {
      if (!made && this.slots.get(key) === slot) this.slots.delete(key);
    }, () => undefined);
    while (this.slots.size > (this.options.maxSpecs ?? 2)) {
      const [oldKey, old] = this.slots.entries().next().value!;
      this.slots.delete(oldKey);
      void this.discard(old);
    }
  }

  /** Prepares for a generate image known by name only (the configured default): nothing when it is not present locally. */
  async prepareNamed(ref: string, binds: string[]): Promise<void> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      this.prepare({ ref, id: info.Id, binds, limits: {} });
    } catch {
      // Not pulled yet (the first generate step pulls it) or no engine: the first step starts cold.
    }
  }

  /**
   * The warm container for `spec`, no longer in the pool (the caller owns it and removes it), or
   * null when there is none; either way the next one for `spec` is made in the background (a
   * container on its way when the step asks is waited for: it is further along than a new one).
   */
  async take(spec: WarmSpec): Promise<WarmContainer | null> {
    const key = specKey(spec);
    const slot = this.slots.get(key);
    if (slot) this.slots.delete(key);
    this.prepare(spec);
    return slot ? slot.container.catch(() => null) : null;
  }

  /** Removes the idle warm containers (taken ones are attempts now: they are not touched). */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((slot) => this.discard(slot)));
  }

  private async discard(slot: Slot): Promise<void> {
    const made = await slot.container.catch(() => null);
    if (made) await removeQuietly(this.docker, made.id);
  }

  private async create(spec: WarmSpec, key: string): Promise<WarmContainer | null> {
    let container: Docker.Container | null = null;
    try {
      const image = await this.docker.getImage(spec.id).inspect();
      container = await this.docker.createContainer({
        Image: spec.ref,
        Entrypoint: ["/bin/sh", "-s"],
        Cmd: [],
        WorkingDir: this.options.workdir,
        Env: [],
        Labels: { [Label.instance]: this.instanceId, [Label.kind]: WARM_KIND, [WarmLabel.owner]: this.owner, [WarmLabel.key]: key },
        Tty: false,
        OpenStdin: true,
        StdinOnce: true,
        HostConfig: { Init: true, Binds: spec.binds, ...spec.limits, LogConfig: { Type: "json-file", Config: {} } },
      });
      // The name may have moved to another image since it was resolved: such a container serves no one.
      if ((await container.inspect()).Image !== spec.id) throw new Error("the image changed");
      await container.start();
      if (this.closed) throw new Error("closed");
      return { id: container.id, imageEnv: image.Config?.Env ?? [] };
    } catch {
      // A warm container is an optimisation: without one the step starts its own container as before.
      if (container) await removeQuietly(this.docker, container.id);
      return null;
    }
  }
}

/**
 * The block the idle shell runs: the variables it changed for itself put back as the image has
 * them, the request's environment, stdin closed as an attempt's own container has it, then the
 * command in place of the shell. Null when a variable name cannot be exported by a shell.
 */
export function launchScript(command: string, env: string[], imageEnv: string[], workdir: string): string | null {
  const lines: string[] = [`cd ${quote(workdir)} || exit 127`];
  const fromImage = new Map(imageEnv.map((entry) => splitEnv(entry)));
  for (const name of SHELL_OWN) {
    const value = fromImage.get(name);
    lines.push(value === undefined ? `unset ${name}` : `export ${name}=${quote(value)}`);
  }
  for (const entry of env) {
    const [name, value] = splitEnv(entry);
    if (!NAME.test(name)) return null;
    lines.push(`export ${name}=${quote(value)}`);
  }
  lines.push(`exec /bin/sh -c ${quote(command)} </dev/null`);
  return `{\n${lines.join("\n")}\n}\n`;
}

function splitEnv(entry: string): [string, string] {
  const at = entry.indexOf("=");
  return at < 0 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function specKey(spec: WarmSpec): string {
  const parts = [spec.id, [...spec.binds].sort().join("\n"), String(spec.limits.NanoCpus ?? ""), String(spec.limits.Memory ?? "")];
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 32);
}

async function removeQuietly(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    if (isNotFound(error)) return;
    // Left to the next start's cleanup of this instance's containers.
  }
}
