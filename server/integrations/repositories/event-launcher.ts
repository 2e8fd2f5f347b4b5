import { CfgError, buildVariables, hasSectionFor, parseCfg, selectSections, type CfgFile } from "../../cfg";
import { LaunchError, type CfgLauncher, type LaunchedPipeline } from "../cfg-launcher";
import type { DeliveryResult } from "../../../shared/api/repositories";
import type { LaunchedRef } from "./delivery-log";
import type { RefSnapshot } from "./repository-mirror";
import { gitRun } from "./repository-mirror";
import type { RepoEvent } from "./repo-event";

/** Where a change's pipelines run from: a repository's mirror, or a local repository as it is. */
export interface LaunchSite {
  repositoryId: number | null;
  /** `owner/repo`, or a local repository's directory name. */
  name: string;
  repoDir: string;
  defaultBranch: string;
  refs: RefSnapshot;
}

export interface EventOutcome {
  result: DeliveryResult;
  reason: string | null;
  pipelines: LaunchedRef[];
  /** Set while a `duplicate = DEFER` launch waits for the running pipeline: the final outcome. */
  later?: Promise<EventOutcome>;
}

/** Called for each pipeline launched (or found launched already for the delivery), with the commit it runs (commit statuses). */
export type OnLaunched = (pipeline: LaunchedPipeline, event: RepoEvent, sha: string, site: LaunchSite) => void;

const CFG_CACHE_SIZE = 256;

/**
 * Turns RepoEvents into launches: the cfg from the default branch's head, the event's commit,
 * the variables; sections no filter selects are reported as ignored without a launch. Every
 * launch goes through the shared CfgLauncher, so the duplicate policies see webhook, hook, cron
 * and hand launches alike.
 */
export class EventLauncher {
  /** `.conducto.cfg` per repository and commit (null: none there), and its parse. */
  private readonly cfgTexts = new Map<string, string | null>();
  private readonly parsed = new Map<string, CfgFile>();

  constructor(
    private readonly launcher: CfgLauncher,
    private readonly onLaunched: OnLaunched,
  ) {}

  /**
   * Launches what `events` ask for for delivery `deliveryId` (its pipelines carry the id, so a
   * delivery processed again launches nothing twice); `requested` names a section instead of the event (cron).
   */
  async run(site: LaunchSite, events: RepoEvent[], deliveryId: number, requested?: string): Promise<EventOutcome> {
    const immediate: EventOutcome[] = [];
    const deferred: Promise<EventOutcome>[] = [];
    for (const event of events) {
      const outcome = await this.runOne(site, event, requested ?? event.event, deliveryId);
      if (outcome.later) deferred.push(outcome.later);
      else immediate.push(outcome);
    }
    if (deferred.length === 0) return merge(immediate);
    return {
      result: "accepted",
      reason: "waiting for a running pipeline of the same section and branch to end (duplicate = DEFER)",
      pipelines: immediate.flatMap((o) => o.pipelines),
      later: Promise.all(deferred).then((outcomes) => merge([...immediate, ...outcomes])),
    };
  }

  private async runOne(site: LaunchSite, event: RepoEvent, requested: string, deliveryId: number): Promise<EventOutcome> {
    const ignored = (reason: string): EventOutcome => ({ result: "ignored", reason: `${event.event}: ${reason}`, pipelines: [] });
    const failed = (reason: string): EventOutcome => ({ result: "error", reason: `${event.event}: ${reason}`, pipelines: [] });

    const defaultRef = `refs/heads/${site.defaultBranch}`;
    const defaultHead = site.refs.get(defaultRef);
    if (!defaultHead) return failed(`the default branch ${site.defaultBranch} does not exist in ${site.name}`);
    let sha: string;
    switch (event.commit.kind) {
      case "sha":
        sha = event.commit.sha;
        break;
      case "ref": {
        const tip = site.refs.get(event.commit.ref);
        if (!tip) return ignored(`${event.commit.ref} no longer exists`);
        sha = tip;
        break;
      }
      case "default-branch":
        sha = defaultHead;
        break;
    }

    const cfgText = await this.cfgAt(site.repoDir, defaultHead);
    if (cfgText === null) return ignored(`no .conducto.cfg on ${site.defaultBranch}`);
    const cfgFile = `.conducto.cfg on ${site.defaultBranch}`;
    const [owner, repo] = site.name.includes("/") ? (site.name.split("/", 2) as [string, string]) : ["", site.name];
    const variables: Record<string, string> = { fork: "false", ...event.variables, repo, owner };
    let cfg: CfgFile;
    try {
      cfg = this.parse(defaultHead, cfgText, cfgFile);
      if (!hasSectionFor(cfg, requested)) return ignored(`no [${requested}] section in the ${cfgFile}`);
      const { branch, pr, user, url, action, tag, base_branch: baseBranch, ...extra } = variables;
      const values = buildVariables({ event: event.event, branch, sha, repo, owner, url, action, pr, base_branch: baseBranch, tag, user, extra, handLaunch: false });
      const sections = selectSections(cfg, requested, values);
      if (sections.length === 0) return ignored(`no [${requested}] section's filter holds (${describe(values)})`);
      const defer = sections.some((section) => section.duplicate === "DEFER");
      const launching = this.launch(site, event, { requested, deliveryId }, variables, cfgText, cfgFile, sha, defaultHead);
      if (defer) return { result: "accepted", reason: null, pipelines: [], later: launching };
      return await launching;
    } catch (error) {
      if (error instanceof CfgError) return failed(error.message);
      throw error;
    }
  }

  private async launch(
    site: LaunchSite,
    event: RepoEvent,
    { requested, deliveryId }: { requested: string; deliveryId: number },
    variables: Record<string, string>,
    cfgText: string,
    cfgFile: string,
    sha: string,
    defaultHead: string,
  ): Promise<EventOutcome> {
    // Secrets go to a registered repository's pipelines, never to a pull request from a fork (its code is the fork's).
    const secrets = site.repositoryId === null ? undefined : { repositoryId: site.repositoryId, withheld: variables.fork !== "false" };
    const request = { repoDir: site.repoDir, cfgText, cfgFile, requested, variables, trigger: event.trigger, handLaunch: false, deliveryId, ...(secrets ? { secrets } : {}) };
    let result: Awaited<ReturnType<CfgLauncher["launch"]>>;
    try {
      try {
        result = await this.launcher.launch({ ...request, sha, shaIsBranchTip: isBranchTip(site.refs, sha) });
      } catch (error) {
        if (!(error instanceof LaunchError) || !event.fallBackToDefaultBranch || sha === defaultHead || !/^no commit /.test(error.message)) throw error;
        // The change's commit is gone (a merged pull request's deleted branch): clean up from the default branch.
        result = await this.launcher.launch({ ...request, sha: defaultHead, shaIsBranchTip: true });
      }
    } catch (error) {
      if (error instanceof LaunchError || error instanceof CfgError) return { result: "error", reason: `${event.event}: ${error.message}`, pipelines: [] };
      throw error;
    }
    for (const pipeline of result.launched) this.onLaunched(pipeline, event, result.plan.sha, site);
    const reason = result.skipped.length ? result.skipped.map((why) => `${event.event}: ${why}`).join("; ") : null;
    if (result.launched.length === 0) return { result: "ignored", reason, pipelines: [] };
    return { result: "launched", reason, pipelines: result.launched.map(({ id, section }) => ({ id, section })) };
  }

  /** `.conducto.cfg` at a commit of a repository, or null when there is none. */
  async cfgAt(repoDir: string, sha: string): Promise<string | null> {
    const key = `${repoDir}\0${sha}`;
    if (this.cfgTexts.has(key)) return this.cfgTexts.get(key) ?? null;
    const text = await gitRun(["cat-file", "blob", `${sha}:.conducto.cfg`], { cwd: repoDir }, null).catch(() => null);
    remember(this.cfgTexts, key, text);
    return text;
  }

  private parse(sha: string, text: string, fileName: string): CfgFile {
    const key = `${sha}\0${fileName}`;
    const cached = this.parsed.get(key);
    if (cached) return cached;
    const cfg = parseCfg(text, fileName);
    remember(this.parsed, key, cfg);
    return cfg;
  }
}

function isBranchTip(refs: RefSnapshot, sha: string): boolean {
  for (const [name, tip] of refs) if (tip === sha && name.startsWith("refs/heads/")) return true;
  return false;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > CFG_CACHE_SIZE) map.delete(map.keys().next().value as K);
}

function describe(values: Record<string, string>): string {
  const shown = ["branch", "tag", "pr", "action"].filter((name) => values[name]).map((name) => `${name}=${values[name]}`);
  return shown.join(", ") || "no branch";
}

/** One outcome for a delivery from its events': launched if any launched, else error if any failed. */
function merge(outcomes: EventOutcome[]): EventOutcome {
  const pipelines = outcomes.flatMap((o) => o.pipelines);
  const reasons = outcomes.map((o) => o.reason).filter((r): r is string => r !== null);
  const result: DeliveryResult = pipelines.length > 0 ? "launched" : outcomes.some((o) => o.result === "error") ? "error" : "ignored";
  return { result, reason: reasons.length ? reasons.join("; ") : outcomes.length === 0 ? "nothing to launch" : null, pipelines };
}
