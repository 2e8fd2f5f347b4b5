import fs from "node:fs";
import path from "node:path";
import { git } from "../../executors/git-checkout";
import type { ProgramFailed } from "../../executors/run-program";

/** Ref name → the commit it points at (annotated tags peeled). */
export type RefSnapshot = ReadonlyMap<string, string>;

export interface MirrorSource {
  id: number;
  cloneUrl: string;
  /** Sent as an HTTP header to https remotes, never written into the mirror's config. */
  token: string | null;
}

/** Cloning or fetching a repository failed; the message is git's, with any token removed. */
export class MirrorError extends Error {
  override name = "MirrorError";
}

interface MirrorState {
  snapshot: RefSnapshot | null;
  running: Promise<RefSnapshot> | null;
  /** A fetch that starts when the running one ends: what every later caller waits for. */
  queued: Promise<RefSnapshot> | null;
  fetchedAt: number | null;
  error: string | null;
  /** Fetches since the mirror was last packed (or cloned). */
  fetchesSincePack: number;
  /** The background `git gc` while one runs. */
  packing: Promise<void> | null;
}

export interface RepositoryMirrorsOptions {
  /** Pack a mirror's loose objects after this many fetches (default PACK_EVERY_FETCHES). */
  packEveryFetches?: number;
}

const CLONE_TIMEOUT_MS = 15 * 60_000;
const FETCH_TIMEOUT_MS = 5 * 60_000;
const PACK_TIMEOUT_MS = 30 * 60_000;
/** Each push's fetch leaves its objects loose (or in a small pack); a few hundred slow git down. */
const PACK_EVERY_FETCHES = 100;

/**
 * One `git clone --mirror` per repository under `<data dir>/mirrors`, brought up to date with
 * `git fetch` (never cloned again). Pipelines run from the mirror, whose objects their
 * checkouts share, so git's own auto gc is off (`gc.auto 0`: it would prune the objects of a
 * force-pushed-away commit that a checkout still uses). Instead, every PACK_EVERY_FETCHES
 * fetches, a `git gc --prune=never` runs in the background, off every launch's path: loose
 * objects and small packs are packed together and nothing is deleted.
 *
 * Fetches are coalesced: a caller that needs the remote's current state waits for a fetch that
 * starts after it asked — the running one if none is queued yet, else the queued one — so a
 * burst of deliveries costs two fetches, not one each. A caller whose refs are already in the
 * last snapshot (the push's commit is the branch's tip there) needs no fetch at all.
 */
export class RepositoryMirrors {
  private readonly states = new Map<number, MirrorState>();

  private readonly packEveryFetches: number;

  constructor(
    private readonly root: string,
    options: RepositoryMirrorsOptions = {},
  ) {
    this.packEveryFetches = options.packEveryFetches ?? PACK_EVERY_FETCHES;
  }

  dirOf(id: number): string {
    return path.join(this.root, `${id}.git`);
  }

  status(id: number): { fetchedAt: number | null; error: string | null } {
    const state = this.states.get(id);
    return { fetchedAt: state?.fetchedAt ?? null, error: state?.error ?? null };
  }

  /** The mirror's refs, fetched first unless `satisfied` accepts the last snapshot. */
  async sync(source: MirrorSource, satisfied?: (refs: RefSnapshot) => boolean): Promise<RefSnapshot> {
    const state = this.stateOf(source.id);
    if (state.snapshot && satisfied?.(state.snapshot)) return state.snapshot;
    return this.fetchFresh(source, state);
  }

  /** The next sync fetches whatever the last snapshot says (the remote or its credentials changed). */
  forgetRefs(id: number): void {
    const state = this.states.get(id);
    if (state) state.snapshot = null;
  }

  /** Forgets a repository and removes its mirror. */
  remove(id: number): void {
    this.states.delete(id);
    fs.rmSync(this.dirOf(id), { recursive: true, force: true });
  }

  private stateOf(id: number): MirrorState {
    let state = this.states.get(id);
    if (!state) {
      state = { snapshot: null, running: null, queued: null, fetchedAt: null, error: null, fetchesSincePack: 0, packing: null };
      this.states.set(id, state);
    }
    return state;
  }

  private fetchFresh(source: MirrorSource, state: MirrorState): Promise<RefSnapshot> {
    if (state.queued) return state.queued;
    if (state.running) {
      const queued = state.running
        .catch(() => undefined)
        .then(() => {
          state.queued = null;
          return this.start(source, state);
        });
      state.queued = queued;
      return queued;
    }
    return this.start(source, state);
  }

  private start(source: MirrorSource, state: MirrorState): Promise<RefSnapshot> {
    const running = this.update(source).then(
      (snapshot) => {
        if (this.states.get(source.id) === state) {
          state.snapshot = snapshot;
          state.fetchedAt = Date.now();
          state.error = null;
          if (++state.fetchesSincePack >= this.packEveryFetches) this.pack(source.id, state);
        }
        return snapshot;
      },
      (error: Error) => {
        state.error = error.message;
        throw error;
      },
    );
    state.running = running;
    void running.catch(() => undefined).finally(() => {
      if (state.running === running) state.running = null;
    });
    return running;
  }

  /** Resolves when no background pack of this mirror runs (for tests: nothing else waits for one). */
  async packed(id: number): Promise<void> {
    await this.states.get(id)?.packing;
  }

  private pack(id: number, state: MirrorState): void {
    if (state.packing) return;
    state.fetchesSincePack = 0;
    const packing = gitRun(["gc", "--quiet", "--prune=never"], { cwd: this.dirOf(id), timeoutMs: PACK_TIMEOUT_MS }, null).then(
      () => undefined,
      // A failed pack loses nothing and is tried again after as many fetches.
      (error: Error) => console.warn(`baton: packing mirror ${id}: ${error.message}`),
    );
    state.packing = packing;
    void packing.finally(() => {
      if (state.packing === packing) state.packing = null;
    });
  }

  private async update(source: MirrorSource): Promise<RefSnapshot> {
    const dir = this.dirOf(source.id);
    const env = remoteEnv(source);
    if (!fs.existsSync(path.join(dir, "HEAD"))) {
      fs.mkdirSync(this.root, { recursive: true });
      const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
      try {
        await gitRun(["clone", "--mirror", "--quiet", "--", source.cloneUrl, partial], { env, timeoutMs: CLONE_TIMEOUT_MS }, source.token);
        await gitRun(["config", "gc.auto", "0"], { cwd: partial }, null);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(partial, dir);
      } finally {
        fs.rmSync(partial, { recursive: true, force: true });
      }
    } else {
      // The URL is given each time, so an edited clone URL (or token) applies at the next fetch.
      // No auto maintenance: gc.auto is 0 here, and its check alone is one more process per push.
      await gitRun(["fetch", "--quiet", "--prune", "--no-write-fetch-head", "--no-auto-maintenance", "--", source.cloneUrl, "+refs/*:refs/*"], { cwd: dir, env, timeoutMs: FETCH_TIMEOUT_MS }, source.token);
    }
    return readRefs(dir);
  }
}

/** Every ref of a repository with the commit it points at. */
export async function readRefs(gitDir: string): Promise<RefSnapshot> {
  const out = await gitRun(["for-each-ref", "--format=%(objectname) %(*objectname) %(refname)"], { cwd: gitDir }, null);
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [object, peeled, ...name] = line.split(" ");
    if (!object || name.length === 0) continue;
    refs.set(name.join(" "), peeled || object);
  }
  return refs;
}

function remoteEnv(source: MirrorSource): Record<string, string> {
  // No global or system config is read (GIT_ENV), so git's defaults hold: `ext::` remotes are refused.
  const env: Record<string, string> = {};
  if (source.token && /^https?:\/\//i.test(source.cloneUrl)) {
    // GitHub takes a token as the password of Basic auth; an environment config keeps it out of `ps` and .git/config.
    const basic = Buffer.from(`x-access-token:${source.token}`).toString("base64");
    Object.assign(env, { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return env;
}

/** git with the server's clean environment, a timeout, and errors that never carry the token. */
export async function gitRun(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number }, token: string | null): Promise<string> {
  try {
    return await git(args, { ...options, timeoutMs: options.timeoutMs ?? 60_000 });
  } catch (error) {
    const failed = error as Partial<ProgramFailed> & Error;
    let message = (failed.stderr || failed.message).trim().split("\n").slice(-3).join(" ");
    if (failed.killed) message = `git ${args[0]} timed out`;
    if (token) message = message.split(token).join("***");
    throw new MirrorError(`git ${args[0]}: ${message}`);
  }
}
