import path from "node:path";
import type { Engine } from "../engine";
import { CfgError, buildVariables, hasSectionFor, parseCfg, selectSections, substituteCommand, type CfgSection } from "../cfg";
import { resolveCommit } from "../executors/git-checkout";

/** A launch that cannot happen as asked: bad cfg, no section for the event, no such commit. */
export class LaunchError extends Error {
  override name = "LaunchError";
}

export interface CfgLaunchRequest {
  /** A git repository on this machine (work tree or bare). */
  repoDir: string;
  cfgText: string;
  cfgFile?: string;
  /** "push", or "push production" to name one labelled section. */
  requested: string;
  /** --key=value pairs: branch, pr, sha, user… and any other variable the cfg uses. */
  variables: Record<string, string>;
  trigger: string;
  /** A person launched it by hand (CLI, dashboard): `{env_id}` is their name. */
  handLaunch: boolean;
  sha?: string;
  /** The caller read `sha` as a branch's tip in the repository (so a commit that is there): no lookup needed. */
  shaIsBranchTip?: boolean;
  /**
   * The delivery being processed. A section that already has a pipeline for it (launched before
   * a crash, by an earlier processing of the same delivery) is reported as launched, not launched again.
   */
  deliveryId?: number;
  /** A registered repository's launch: its pipelines get the global and the repository's secrets, unless withheld (a fork's pull request). */
  secrets?: { repositoryId: number; withheld: boolean };
}

export interface PlannedSection {
  section: CfgSection;
  command: string;
  variables: Record<string, string>;
}

export interface CfgPlan {
  sha: string;
  repo: string;
  sections: PlannedSection[];
  /** Sections exist for the event but every filter excluded them. */
  nothingToRun: boolean;
}

/** Reads the cfg, picks the sections the event launches and substitutes their commands. */
export async function planCfgLaunch(request: CfgLaunchRequest): Promise<CfgPlan> {
  const cfg = parseCfg(request.cfgText, request.cfgFile ?? ".conducto.cfg");
  const event = request.requested.trim().split(/\s+/)[0] ?? "";
  if (!hasSectionFor(cfg, request.requested)) {
    throw new LaunchError(`no section for "${request.requested}" in ${request.cfgFile ?? ".conducto.cfg"}`);
  }
  const sha = await resolveLaunchCommit(request);
  const { branch, pr, user, repo, owner, url, action, tag, base_branch: baseBranch, ...extra } = request.variables;
  const variables = buildVariables({
    event,
    branch,
    sha,
    repo: repo ?? path.basename(path.resolve(request.repoDir)).replace(/\.git$/, ""),
    owner,
    url,
    action,
    pr,
    base_branch: baseBranch,
    tag,
    user,
    handLaunch: request.handLaunch,
    extra,
  });
  const sections = selectSections(cfg, request.requested, variables).map((section) => ({
    section,
    command: substituteCommand(section.command, variables),
    variables,
  }));
  return { sha, repo: variables.repo ?? "", sections, nothingToRun: sections.length === 0 };
}

async function resolveLaunchCommit(request: CfgLaunchRequest): Promise<string> {
  if (request.sha && request.shaIsBranchTip) return request.sha;
  const wanted = request.sha ?? request.variables.sha;
  const candidates = wanted ? [wanted] : [...(request.variables.branch ? [`refs/heads/${request.variables.branch}`] : []), "HEAD"];
  for (const ref of candidates) {
    const sha = await resolveCommit(request.repoDir, ref).catch(() => "");
    if (sha) return sha;
  }
  throw new LaunchError(wanted ? `no commit ${wanted} in ${request.repoDir}` : `${request.repoDir} has no commit to run`);
}

export interface LaunchedPipeline {
  id: string;
  section: string;
  /** It existed already: an earlier processing of the same delivery launched it. */
  resumed?: boolean;
}

/**
 * Launches what a cfg event asks for, honouring each section's `duplicate` policy against the
 * pipelines of the same repository, section and branch that are still running:
 * SUPPRESS_NEW launches nothing, ALLOW launches, SLEEP_OLD kills the old one first, DEFER
 * launches once the old one has ended. After a restart the pipelines still running are remembered
 * again (`rememberRunning`), so a delivery processed again after a crash waits as it did before.
 */
export class CfgLauncher {
  private readonly running = new Map<string, string>();

  constructor(private readonly engine: Engine) {}

  /** After a restart: the pipelines still running count for the duplicate policies, as before it. */
  rememberRunning(pipelines: { id: string; repoDir: string | null; section: string | null; branch: string | null }[]): void {
    for (const p of pipelines) {
      if (p.repoDir === null || p.section === null || !this.engine.isLive(p.id)) continue;
      this.running.set([p.repoDir, p.section, p.branch ?? ""].join("\u0000"), p.id);
    }
  }

  async launch(request: CfgLaunchRequest): Promise<{ launched: LaunchedPipeline[]; skipped: string[]; plan: CfgPlan }> {
    let plan: CfgPlan;
    try {
      plan = await planCfgLaunch(request);
    } catch (error) {
      if (error instanceof CfgError) throw new LaunchError(error.message);
      throw error;
    }
    const launched: LaunchedPipeline[] = [];
    const skipped: string[] = [];
    const earlier = request.deliveryId === undefined ? [] : this.engine.pipelinesOfDelivery(request.deliveryId);
    for (const planned of plan.sections) {
      const key = [request.repoDir, planned.section.name, planned.variables.branch ?? ""].join("\u0000");
      const existing = earlier.find((p) => p.section === planned.section.name);
      if (existing) {
        if (this.engine.isLive(existing.id)) this.running.set(key, existing.id);
        launched.push({ id: existing.id, section: planned.section.name, resumed: true });
        continue;
      }
      let previous = this.running.get(key);
      if (planned.section.duplicate === "DEFER") {
        // Deferred launches queue behind each other: each waits for whatever runs when it wakes.
        while (previous !== undefined && this.engine.isLive(previous)) {
          await this.engine.whenIdle(previous).catch(() => undefined);
          previous = this.running.get(key);
        }
      }
      const previousLive = previous !== undefined && this.engine.isLive(previous);
      if (previousLive && previous) {
        switch (planned.section.duplicate) {
          case "SUPPRESS_NEW":
            skipped.push(`[${planned.section.name}] not launched: pipeline ${previous} for this branch is still running (duplicate = SUPPRESS_NEW)`);
            continue;
          case "SLEEP_OLD":
            try {
              this.engine.act(previous, { action: "kill", path: "/" }, "duplicate = SLEEP_OLD");
            } catch {
              // It ended meanwhile.
            }
            break;
          case "DEFER":
            break;
          case "ALLOW":
            break;
        }
      }
      const detail = this.engine.launch(
        { kind: "generate", command: planned.command, image: planned.section.image },
        {
          repo: plan.repo,
          repoDir: request.repoDir,
          branch: planned.variables.branch || null,
          sha: plan.sha,
          event: planned.section.event,
          section: planned.section.name,
          trigger: request.trigger,
          variables: planned.variables,
          deliveryId: request.deliveryId ?? null,
          ...(request.secrets ? { secrets: request.secrets } : {}),
        },
      );
      this.running.set(key, detail.id);
      launched.push({ id: detail.id, section: planned.section.name });
    }
    if (plan.nothingToRun) skipped.push(`no [${request.requested}] section's filter holds for these values`);
    return { launched, skipped, plan };
  }
}
