import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type {
  DeliveryResult,
  DeliverySource,
  LocalGitNotification,
  RepositoryCreate,
  RepositoryUpdate,
  RepositoryView,
  WebhookAnswer,
} from "../../../shared/api/repositories";
import { CfgError, parseCfg, parseCronSchedule } from "../../cfg";
import type { Config, TestPausePoint } from "../../config";
import type { Engine } from "../../engine";
import type { Db } from "../../store/database";
import type { CfgLauncher, LaunchedPipeline } from "../cfg-launcher";
import { CronScheduler, type CronHost, type CronSection } from "../cron/cron-scheduler";
import { CommitStatusReporter, type StatusReporterOptions } from "../github/commit-statuses";
import { actionOf, mapGithubEvent } from "../github/github-events";
import { HookTokens } from "../local-git/hook-tokens";
import { DeliveryLog, type LaunchedRef, type NewDelivery } from "./delivery-log";
import { EventLauncher, type EventOutcome, type LaunchSite } from "./event-launcher";
import { eventsOfRefUpdate, type RepoEvent } from "./repo-event";
import { RepositoryMirrors, gitRun, readRefs, type MirrorSource, type RefSnapshot } from "./repository-mirror";
import { RepositoryStore, type RepositoryRecord } from "./repository-store";
import { SecretBox } from "./secret-box";
import { LOCAL_GIT_CONTENT_TYPE, encodeLocalGitBody, planUnfinished, type LocalGitBody } from "./unfinished-delivery";

export { DuplicateRepository } from "./repository-store";
export type { RepositoryRecord } from "./repository-store";

const PRUNE_EVERY_MS = 3_600_000;
/** How old a mirror may be for reading cron schedules (a push to the default branch refreshes it sooner). */
const CRON_CFG_MAX_AGE_MS = 3_600_000;
/** A local hook waits this long for its launch, to print the pipeline's link. */
const LOCAL_HOOK_WAIT_MS = 1_500;
/** Longest a delivery's processing yields to webhook requests being answered. */
const YIELD_TO_INTAKE_MS = 1_000;
/** The receiver is calm when no request came or went for this long. */
const QUIET_MS = 40;

/**
 * Webhook answers come before processing: launching spawns processes, which holds the event
 * loop for milliseconds each, and a burst of deliveries must still be answered within a second.
 * A delivery's processing starts once the receiver has been calm for QUIET_MS (no request
 * being answered, none arrived), or once the delivery is YIELD_TO_INTAKE_MS old, whichever
 * comes first: a steady stream of requests delays processing, it never starves it. A delivery
 * that came alone (no request arrived after its own) starts as soon as its answer is out: there
 * is no burst to protect, and waiting QUIET_MS would be a third of a push's time to its first
 * local command.
 */
export class IntakeGate {
  private inFlight = 0;
  private lastActivity = 0;
  private arrivals = 0;

  /** Requests arrived so far: a delivery notes it when received, to know later whether it came alone. */
  get arrived(): number {
    return this.arrivals;
  }

  /** A webhook request arrived; call the returned function once it is answered. */
  enter(): () => void {
    this.inFlight++;
    this.arrivals++;
    this.lastActivity = Date.now();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight--;
      this.lastActivity = Date.now();
    };
  }

  async quiet(deadline: number, arrivedBefore: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now >= deadline) return;
      const alone = this.arrivals === arrivedBefore;
      const calm = now - this.lastActivity;
      if (this.inFlight === 0 && (alone || calm >= QUIET_MS)) return;
      const wait = alone ? 2 : Math.min(deadline - now, this.inFlight === 0 ? QUIET_MS - calm : QUIET_MS);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export interface IntegrationOptions {
  statuses?: StatusReporterOptions;
}

/** An answer to a delivery: the HTTP status and the body. */
export interface DeliveryAnswer {
  status: number;
  answer: WebhookAnswer;
}

/**
 * Repository integrations (issue 5): repositories as data, the deliveries log, the mirrors,
 * GitHub deliveries and local hook notifications turned into launches, commit statuses and the
 * cron scheduler. The HTTP routers are thin: they authenticate and parse, this does the rest.
 */
export class RepositoryIntegrations {
  readonly repositories: RepositoryStore;
  readonly deliveries: DeliveryLog;
  readonly mirrors: RepositoryMirrors;
  readonly statuses: CommitStatusReporter;
  readonly hookTokens: HookTokens;
  readonly cron: CronScheduler;
  private readonly events: EventLauncher;
  /** Per repository, deliveries are processed one after another, in the order they arrived. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly background = new Set<Promise<unknown>>();
  private pruneTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** close() returned: the database is about to close, nothing more is written. */
  private finalized = false;
  private readonly cronWarned = new Set<string>();
  private readonly intake = new IntakeGate();

  constructor(
    private readonly config: Config,
    db: Db,
    private readonly engine: Engine,
    launcher: CfgLauncher,
    options: IntegrationOptions = {},
  ) {
    this.repositories = new RepositoryStore(db, SecretBox.open(config.dataDir, config.secretKey));
    this.deliveries = new DeliveryLog(db, config.publicUrl);
    this.mirrors = new RepositoryMirrors(path.join(config.dataDir, "mirrors"));
    this.statuses = new CommitStatusReporter(db, this.repositories, engine, config.publicUrl, options.statuses);
    this.hookTokens = new HookTokens(db);
    this.events = new EventLauncher(launcher, (pipeline, event, sha, site) => this.onLaunched(pipeline, event, sha, site));
    this.cron = new CronScheduler(this.cronHost());
  }

  /** What to paste into GitHub's webhook settings. */
  get webhookUrl(): string {
    return `${this.config.publicUrl}/api/webhooks/github`;
  }

  start(): void {
    this.resumeUnfinished();
    this.deliveries.prune();
    this.pruneTimer = setInterval(() => this.deliveries.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.statuses.start();
    this.cron.start();
  }

  /** Stops the scheduler and waits for deliveries being processed (briefly), then for statuses being sent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.cron.stop();
    await Promise.race([Promise.allSettled([...this.background]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await this.statuses.close();
    this.deliveries.flush();
    this.finalized = true;
  }

  /** The webhook receiver calls this as a request arrives, and the returned function once it is answered. */
  enterIntake(): () => void {
    return this.intake.enter();
  }

  /** Resolves once every delivery accepted so far has been processed (tests, the bench). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  // ── Repositories ──────────────────────────────────────────────────────────────────────────

  view(record: RepositoryRecord): RepositoryView {
    return {
      id: record.id,
      name: record.name,
      cloneUrl: redactUrl(record.cloneUrl),
      defaultBranch: record.defaultBranch,
      events: record.events,
      apiBaseUrl: record.apiBaseUrl,
      hasToken: record.hasToken,
      statuses: record.hasToken ? "enabled" : "disabled: no token",
      webhookUrl: this.webhookUrl,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      secretRotatedAt: record.secretRotatedAt,
      mirror: this.mirrors.status(record.id),
    };
  }

  createRepository(input: RepositoryCreate): { record: RepositoryRecord; webhookSecret: string } {
    return this.repositories.create(input);
  }

  updateRepository(id: number, patch: RepositoryUpdate): RepositoryRecord | null {
    const updated = this.repositories.update(id, patch);
    // Another remote (or credentials): the last snapshot of refs no longer says what is there.
    if (updated && (patch.cloneUrl !== undefined || patch.accessToken !== undefined)) this.mirrors.forgetRefs(id);
    return updated;
  }

  deleteRepository(id: number): boolean {
    const deleted = this.repositories.delete(id);
    if (deleted) this.mirrors.remove(id);
    return deleted;
  }

  private source(record: RepositoryRecord): MirrorSource {
    return { id: record.id, cloneUrl: record.cloneUrl, token: record.hasToken ? this.repositories.accessToken(record.id) : null };
  }

  // ── Deliveries ────────────────────────────────────────────────────────────────────────────

  /** Logs a delivery refused before processing. */
  reject(entry: Omit<NewDelivery, "result">): number {
    return this.deliveries.record({ ...entry, result: "rejected" }).id;
  }

  /**
   * A signed GitHub delivery for `repository`: answered at once (ping, an event that launches
   * nothing, a delivery id seen before), else logged as accepted and processed in the background.
   */
  async acceptGithub(input: {
    repository: RepositoryRecord;
    event: string;
    guid: string | null;
    payload: unknown;
    body: Buffer;
    contentType: string | null;
    source: Extract<DeliverySource, "github" | "test" | "redelivery">;
    redeliveryOf?: number;
  }): Promise<DeliveryAnswer> {
    const { repository, event } = input;
    const plan = mapGithubEvent(event, input.payload);
    const common = {
      repositoryId: repository.id,
      repository: repository.name,
      source: input.source,
      event,
      action: actionOf(input.payload),
      guid: input.guid,
      redeliveryOf: input.redeliveryOf ?? null,
    };
    const answered = (result: DeliveryResult, reason: string): DeliveryAnswer => {
      const id = this.deliveries.record({ ...common, status: 200, result, reason }).id;
      return { status: 200, answer: { delivery: id, result, reason } };
    };
    if (plan.kind === "ping") return answered("ignored", `ping: the webhook reaches Baton${plan.zen ? ` (${plan.zen})` : ""}`);
    if (plan.kind === "ignore") return answered("ignored", plan.reason);
    const events = plan.events.filter((e) => repository.events.includes(e.event));
    if (events.length === 0) {
      return answered("ignored", `${plan.events.map((e) => e.event).join(", ")} ${plan.events.length === 1 ? "is" : "are"} not enabled for ${repository.name}`);
    }
    const claimKey = input.source === "redelivery" || input.guid === null ? null : `github:${repository.id}:${input.guid}`;
    const { id, duplicateOf } = this.deliveries.record({
      ...common,
      claimKey,
      status: 202,
      result: "accepted",
      body: input.body,
      contentType: input.contentType,
    });
    if (duplicateOf !== null) {
      return { status: 200, answer: { delivery: id, result: "ignored", reason: `delivery ${input.guid} was received before (delivery #${duplicateOf}): a redelivery launches nothing` } };
    }
    // Accepted means stored: the answer waits for the group commit (see DeliveryLog).
    await this.deliveries.committed();
    this.processGithub(id, repository.id, repository.name, events);
    return { status: 202, answer: { delivery: id, result: "accepted" } };
  }

  private processGithub(id: number, repositoryId: number, name: string, events: RepoEvent[]): void {
    void this.process(`repository:${repositoryId}`, id, async () => {
      const current = this.repositories.get(repositoryId);
      if (!current) return { result: "ignored", reason: `${name} was deleted`, pipelines: [] };
      const enabled = events.filter((e) => current.events.includes(e.event));
      if (enabled.length === 0) return { result: "ignored", reason: `${events.map((e) => e.event).join(", ")} not enabled for ${name}`, pipelines: [] };
      const refs = await this.mirrors.sync(this.source(current), (snapshot) => enabled.every((e) => alreadyFetched(snapshot, e, current.defaultBranch)));
      return this.events.run(this.mirrorSite(current, refs), enabled, id);
    });
  }

  /**
   * On start: every delivery accepted but not finished (the server stopped or was killed before
   * its processing ended) is processed again, in the order they arrived, before any new one.
   * Exactly once overall: a section that already has a pipeline for the delivery is not launched
   * again (the pipeline row carries the delivery id, written in the launch's own transaction).
   */
  private resumeUnfinished(): void {
    const unfinished = this.deliveries.unfinished();
    for (const delivery of unfinished) {
      const plan = planUnfinished(delivery, parsePayload);
      switch (plan.kind) {
        case "drop":
          this.finish(delivery.id, { result: "error", reason: plan.reason, pipelines: [] });
          break;
        case "github":
          this.processGithub(delivery.id, plan.repositoryId, this.repositories.get(plan.repositoryId)?.name ?? `repository ${plan.repositoryId}`, plan.events);
          break;
        case "local-git":
          void this.processLocalGit(delivery.id, plan.body);
          break;
        case "cron": {
          const record = this.repositories.get(plan.repositoryId);
          if (record) void this.processCron(delivery.id, record, plan.section, plan.minute);
          else this.finish(delivery.id, { result: "ignored", reason: `repository ${plan.repositoryId} was deleted`, pipelines: [] });
          break;
        }
      }
    }
    if (unfinished.length > 0) console.log(`baton: processing ${unfinished.length} accepted delivery(ies) the server had not finished before it stopped`);
  }

  /** Processes a stored delivery again, as a new delivery (its original id launches nothing twice otherwise). */
  async redeliver(deliveryId: number): Promise<DeliveryAnswer | { error: string; status: number }> {
    const stored = this.deliveries.stored(deliveryId);
    if (!stored) return { status: 404, error: `no delivery ${deliveryId}` };
    if (!stored.body || stored.repositoryId === null) return { status: 409, error: `delivery ${deliveryId} cannot be redelivered: its body is not kept (it was not signed) or its repository is gone` };
    if (stored.source === "local-git" || stored.source === "cron") return { status: 409, error: `a ${stored.source} delivery cannot be redelivered` };
    const repository = this.repositories.get(stored.repositoryId);
    if (!repository) return { status: 409, error: `the repository of delivery ${deliveryId} was deleted` };
    let payload: unknown;
    try {
      payload = parsePayload(stored.body, stored.contentType);
    } catch (error) {
      return { status: 409, error: (error as Error).message };
    }
    const original = stored.redeliveryOf ?? stored.id;
    const guid = `${stored.guid ?? `delivery-${original}`}#redelivery-${this.deliveries.redeliveryCount(original) + 1}`;
    return this.acceptGithub({ repository, event: stored.event, guid, payload, body: stored.body, contentType: stored.contentType, source: "redelivery", redeliveryOf: original });
  }

  // ── Local git hooks ───────────────────────────────────────────────────────────────────────

  /** A hook's report of a ref update in a repository on this machine. */
  async notifyLocalGit(notification: LocalGitNotification, who: string, user: string | undefined): Promise<DeliveryAnswer> {
    const repoPath = fs.realpathSync(notification.repo);
    const resolved = { ...notification, repo: repoPath };
    const { registered, name, all, events } = this.localGitEvents({ notification: resolved, who, user });
    const guid = crypto.createHash("sha256").update([repoPath, notification.ref, notification.before, notification.after].join("\0")).digest("hex").slice(0, 32);
    const common = { repositoryId: registered?.id ?? null, repository: name, source: "local-git" as const, event: "push", action: null, guid };
    if (events.length === 0) {
      const reason = all.length === 0 ? `${notification.ref} is neither a branch nor a tag` : `${all.map((e) => e.event).join(", ")} not enabled for ${name}`;
      const id = this.deliveries.record({ ...common, status: 200, result: "ignored", reason }).id;
      return { status: 200, answer: { delivery: id, result: "ignored", reason } };
    }
    const body = encodeLocalGitBody({ notification: resolved, who, user });
    const { id, duplicateOf } = this.deliveries.record({ ...common, claimKey: `local-git:${guid}`, status: 202, result: "accepted", body, contentType: LOCAL_GIT_CONTENT_TYPE });
    if (duplicateOf !== null) {
      const reason = `this ref update was reported before (delivery #${duplicateOf})`;
      return { status: 200, answer: { delivery: id, result: "ignored", reason } };
    }
    await this.deliveries.committed();
    const done = this.processLocalGit(id, { notification: resolved, who, user });
    const failed = (error: Error): EventOutcome => ({ result: "error", reason: error.message, pipelines: [] });
    const outcome = await Promise.race([done.catch(failed), new Promise<null>((resolve) => setTimeout(() => resolve(null), LOCAL_HOOK_WAIT_MS).unref())]);
    if (!outcome || outcome.later) return { status: 202, answer: { delivery: id, result: "accepted" } };
    return { status: 200, answer: { delivery: id, result: outcome.result, ...(outcome.reason ? { reason: outcome.reason } : {}), pipelines: this.links(outcome.pipelines) } };
  }

  /** The events a hook's notification asks for, and the registered repository at its path. */
  private localGitEvents({ notification, who, user }: LocalGitBody): { registered: RepositoryRecord | null; name: string; all: RepoEvent[]; events: RepoEvent[] } {
    const registered = this.registeredAt(notification.repo);
    const name = registered?.name ?? path.basename(notification.repo).replace(/\.git$/, "");
    const pusher = user || who;
    const all = eventsOfRefUpdate(notification, { user: pusher, trigger: `local-git:${notification.ref.replace(/^refs\/(heads|tags)\//, "")} by ${pusher}` });
    const events = registered ? all.filter((e) => registered.events.includes(e.event)) : all;
    return { registered, name, all, events };
  }

  private processLocalGit(id: number, body: LocalGitBody): Promise<EventOutcome | null> {
    const repoPath = body.notification.repo;
    return this.process(`path:${repoPath}`, id, async () => {
      const { registered, name, events } = this.localGitEvents(body);
      if (events.length === 0) return { result: "ignored", reason: `nothing enabled for ${name}`, pipelines: [] };
      const refs = await readRefs(repoPath);
      const defaultBranch = registered?.defaultBranch ?? (await localDefaultBranch(repoPath, refs));
      return this.events.run({ repositoryId: registered?.id ?? null, name, repoDir: repoPath, defaultBranch, refs }, events, id);
    });
  }

  /** The registered repository whose clone URL is this path, if any. */
  private registeredAt(repoPath: string): RepositoryRecord | null {
    for (const record of this.repositories.list()) {
      const local = record.cloneUrl.startsWith("file://") ? record.cloneUrl.slice("file://".length) : record.cloneUrl;
      if (!local.startsWith("/")) continue;
      try {
        if (fs.realpathSync(local) === repoPath) return record;
      } catch {
        // Not there.
      }
    }
    return null;
  }

  // ── Cron ──────────────────────────────────────────────────────────────────────────────────

  private cronHost(): CronHost {
    return {
      cronRepositories: () => this.repositories.list().filter((r) => r.events.includes("cron")),
      cronSections: (id) => this.cronSections(id),
      launchCron: async (id, section, at) => {
        await this.launchCron(id, section, at);
      },
    };
  }

  private async cronSections(repositoryId: number): Promise<CronSection[]> {
    const record = this.repositories.get(repositoryId);
    if (!record) return [];
    const fetchedAt = this.mirrors.status(record.id).fetchedAt;
    const refs = await this.mirrors.sync(this.source(record), () => fetchedAt !== null && Date.now() - fetchedAt < CRON_CFG_MAX_AGE_MS);
    const head = refs.get(`refs/heads/${record.defaultBranch}`);
    if (!head) return [];
    const text = await this.events.cfgAt(this.mirrors.dirOf(record.id), head);
    if (text === null) return [];
    try {
      const cfg = parseCfg(text, `.conducto.cfg on ${record.defaultBranch}`);
      return cfg.sections.filter((s) => s.event === "cron" && s.schedule !== null).map((s) => ({ name: s.name, schedule: parseCronSchedule(s.schedule!) }));
    } catch (error) {
      if (!(error instanceof CfgError)) throw error;
      const key = `${record.id}\0${head}`;
      if (!this.cronWarned.has(key)) {
        this.cronWarned.add(key);
        console.warn(`baton: cron: ${record.name}: ${error.message}`);
      }
      return [];
    }
  }

  /** Launches a cron section on the default branch's head, logged as a delivery; at most once per minute. */
  async launchCron(repositoryId: number, section: string, at: Date): Promise<EventOutcome | null> {
    const record = this.repositories.get(repositoryId);
    if (!record) return null;
    const minute = at.toISOString().slice(0, 16);
    const { id, duplicateOf } = this.deliveries.record({
      repositoryId,
      repository: record.name,
      source: "cron",
      event: "cron",
      action: section,
      guid: `${section}@${minute}Z`,
      claimKey: `cron:${repositoryId}:${section}:${minute}`,
      status: 0,
      result: "accepted",
    });
    if (duplicateOf !== null) return null;
    return this.processCron(id, record, section, minute);
  }

  private processCron(id: number, record: RepositoryRecord, section: string, minute: string): Promise<EventOutcome | null> {
    const event: RepoEvent = {
      event: "cron",
      commit: { kind: "default-branch" },
      fallBackToDefaultBranch: false,
      variables: { branch: record.defaultBranch, user: "cron" },
      trigger: `cron:[${section}] at ${minute}Z`,
      reportStatus: true,
    };
    return this.process(`repository:${record.id}`, id, async () => {
      const refs = await this.mirrors.sync(this.source(record));
      return this.events.run(this.mirrorSite(record, refs), [event], id, section);
    });
  }

  // ── Processing ────────────────────────────────────────────────────────────────────────────

  private mirrorSite(record: RepositoryRecord, refs: RefSnapshot): LaunchSite {
    return { repositoryId: record.id, name: record.name, repoDir: this.mirrors.dirOf(record.id), defaultBranch: record.defaultBranch, refs };
  }

  /**
   * Runs `work` for delivery `id` after the deliveries queued before it for the same key, and
   * records its outcome. A launch that waits (duplicate = DEFER) lets the queue go on and
   * records its outcome when it launches. Once the server is stopping, nothing more starts: the
   * delivery stays accepted (null) and the next start processes it.
   */
  private process(key: string, id: number, work: () => Promise<EventOutcome>): Promise<EventOutcome | null> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const receivedAt = Date.now();
    const arrivedBefore = this.intake.arrived;
    const outcome = previous.then(async () => {
      await this.intake.quiet(receivedAt + YIELD_TO_INTAKE_MS, arrivedBefore);
      if (this.closed) return null;
      await this.testPause("delivery-before-launch", id);
      const result = await work();
      await this.testPause("delivery-before-finish", id);
      return result;
    });
    const recorded = outcome.then(
      (result) => {
        if (!result) return;
        this.finish(id, result);
        if (result.later) {
          const later = result.later.then(
            (final) => this.finish(id, final),
            (error: Error) => this.finish(id, { result: "error", reason: error.message, pipelines: [] }),
          );
          this.track(later);
        }
      },
      (error: Error) => this.finish(id, { result: "error", reason: error.message, pipelines: [] }),
    );
    const tail = recorded.then(() => undefined);
    this.queues.set(key, tail);
    this.track(tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return outcome;
  }

  /**
   * BATON_TEST_PAUSE (crash tests only): processing stops for good at that point, once what is
   * pending is committed, and says so on stdout, so that a test can kill -9 the server inside
   * that crash window.
   */
  private async testPause(point: TestPausePoint, id: number): Promise<void> {
    if (this.config.testPause !== point) return;
    this.deliveries.flush();
    await new Promise((resolve) => setImmediate(resolve));
    console.log(`baton: test pause: delivery ${id} at ${point}`);
    await new Promise(() => undefined);
  }

  private track(promise: Promise<unknown>): void {
    this.background.add(promise);
    void promise.finally(() => this.background.delete(promise));
  }

  private finish(id: number, outcome: EventOutcome): void {
    if (this.finalized) return;
    try {
      this.deliveries.finish(id, outcome.result, outcome.reason, outcome.pipelines);
    } catch (error) {
      console.warn(`baton: delivery ${id}: could not record its outcome: ${(error as Error).message}`);
    }
  }

  /** Commit statuses for what was launched, when the repository has a token. */
  private onLaunched(pipeline: LaunchedPipeline, event: RepoEvent, sha: string, site: LaunchSite): void {
    if (site.repositoryId === null || !event.reportStatus) return;
    if (!this.repositories.get(site.repositoryId)?.hasToken) return;
    // A pipeline an earlier processing launched (before a crash) may have ended meanwhile.
    const current = pipeline.resumed ? (this.engine.getDetail(pipeline.id) ?? undefined) : undefined;
    this.statuses.track(pipeline.id, { repositoryId: site.repositoryId, sha, context: `baton/${pipeline.section}` }, current);
  }

  private links(pipelines: LaunchedRef[]): WebhookAnswer["pipelines"] {
    return pipelines.map((p) => ({ ...p, url: `${this.config.publicUrl}/pipelines/${p.id}` }));
  }
}

/**
 * A clone URL as the API shows it: credentials written into it (an https URL's user info, any
 * URL's password) become `***`. The access token belongs in the token field.
 */
function redactUrl(url: string): string {
  if (/^https?:\/\/[^/]*@/i.test(url)) return url.replace(/^(https?:\/\/)[^/]*@/i, "$1***@");
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1:***@");
}

/** GitHub sends JSON, or `payload=<JSON>` form-encoded when the webhook's content type says so. */
export function parsePayload(body: Buffer, contentType: string | null): unknown {
  let text = body.toString("utf8");
  if (contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const payload = new URLSearchParams(text).get("payload");
    if (payload === null) throw new Error("malformed body: a form-encoded delivery without a payload field");
    text = payload;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`malformed JSON: ${(error as Error).message}`);
  }
}

/** Whether the last fetch already holds what `event` needs: its commit as the tip of its branch. */
function alreadyFetched(refs: RefSnapshot, event: RepoEvent, defaultBranch: string): boolean {
  if (!refs.has(`refs/heads/${defaultBranch}`)) return false;
  if (event.commit.kind !== "sha") return false;
  if (event.commit.ref !== null) return refs.get(event.commit.ref) === event.commit.sha;
  for (const tip of refs.values()) if (tip === event.commit.sha) return true;
  return false;
}

/**
 * A local repository's default branch: a bare repository's HEAD; for a work tree, what
 * `origin/HEAD` names, else `main` or `master` when it exists, else the branch checked out.
 */
async function localDefaultBranch(repoPath: string, refs: RefSnapshot): Promise<string> {
  const symbolic = async (ref: string) => (await gitRun(["symbolic-ref", "--quiet", ref], { cwd: repoPath }, null).catch(() => "")).trim();
  const bare = (await gitRun(["rev-parse", "--is-bare-repository"], { cwd: repoPath }, null).catch(() => "")).trim() === "true";
  const head = await symbolic("HEAD");
  if (bare && head.startsWith("refs/heads/")) return head.slice("refs/heads/".length);
  const origin = await symbolic("refs/remotes/origin/HEAD");
  const fromOrigin = origin.startsWith("refs/remotes/origin/") ? origin.slice("refs/remotes/origin/".length) : "";
  for (const candidate of [fromOrigin, "main", "master"]) {
    if (candidate && refs.has(`refs/heads/${candidate}`)) return candidate;
  }
  return head.startsWith("refs/heads/") ? head.slice("refs/heads/".length) : "main";
}
