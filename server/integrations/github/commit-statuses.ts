import type { PipelineSummary } from "../../../shared/api/pipeline-views";
import type { Engine } from "../../engine";
import type { Db } from "../../store/database";
import type { RepositoryStore } from "../repositories/repository-store";

/** GitHub's commit status states. */
export type CommitState = "pending" | "success" | "failure" | "error";

export interface StatusTarget {
  repositoryId: number;
  sha: string;
  /** `baton/<section>`. */
  context: string;
}

interface Tracked extends StatusTarget {
  /** The state the pipeline is in now, as a commit state. */
  state: CommitState;
  /** Sends in order: a final status never overtakes the pending one. */
  chain: Promise<void>;
}

export interface StatusReporterOptions {
  /** Waits between attempts after a 5xx or a network error. */
  retryDelaysMs?: number[];
  requestTimeoutMs?: number;
}

const DESCRIPTIONS: Record<CommitState, string> = {
  pending: "Baton: the pipeline is running",
  success: "Baton: the pipeline succeeded",
  failure: "Baton: the pipeline failed",
  error: "Baton: the pipeline was killed or could not run",
};

/** The commit status a pipeline summary stands for. */
export function commitStateOf(summary: Pick<PipelineSummary, "state" | "endedAt">): CommitState {
  if (summary.endedAt === null) return "pending";
  switch (summary.state) {
    case "done":
      return "success";
    case "error":
      return "failure";
    case "killed":
    case "worker_error":
      return "error";
    case "pending":
    case "queued":
    case "running":
      return "pending";
  }
}

/**
 * Reports pipelines launched for a repository with an access token as commit statuses:
 * `pending` at launch, `success`/`failure`/`error` when the pipeline ends (and `pending` again
 * when a rerun revives it), via `POST {apiBase}/repos/{owner}/{repo}/statuses/{sha}`. A 5xx or
 * a network error is retried with backoff; a failure is logged and kept on the row, never thrown.
 * Which pipelines to report, and what was last sent, is kept in SQLite: after a restart the
 * statuses of resumed pipelines still arrive, and an unsent final status is sent.
 */
export class CommitStatusReporter {
  private readonly tracked = new Map<string, Tracked>();
  private readonly retryDelaysMs: number[];
  private readonly requestTimeoutMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly listener = (summary: PipelineSummary) => this.onSummary(summary);

  constructor(
    private readonly db: Db,
    private readonly repositories: RepositoryStore,
    private readonly engine: Engine,
    private readonly publicUrl: string,
    options: StatusReporterOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [1_000, 4_000, 15_000];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  start(): void {
    this.engine.on("pipeline", this.listener);
    const unsent = this.db.prepare(`SELECT * FROM commit_statuses WHERE sent_state IS NULL OR sent_state != state`).all() as StatusRow[];
    for (const row of unsent) {
      const tracked = this.remember(row.pipeline_id, { repositoryId: row.repository_id, sha: row.sha, context: row.context }, row.state);
      this.enqueue(row.pipeline_id, tracked, row.state);
    }
  }

  /**
   * Starts reporting a pipeline just launched: sends `pending`. Once per pipeline: a delivery
   * processed again after a crash finds its pipeline reported already, or reports the state it
   * is in now (`current`, from its summary) if the crash came before the first report.
   */
  track(pipelineId: string, target: StatusTarget, current?: Pick<PipelineSummary, "state" | "endedAt">): void {
    if (this.closed) return;
    if (this.tracked.has(pipelineId) || this.db.prepare(`SELECT 1 FROM commit_statuses WHERE pipeline_id = ?`).get(pipelineId)) return;
    const state = current ? commitStateOf(current) : "pending";
    this.db
      .prepare(`INSERT INTO commit_statuses (pipeline_id, repository_id, sha, context, state, sent_state, error, updated_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)`)
      .run(pipelineId, target.repositoryId, target.sha, target.context, state, Date.now());
    const tracked = this.remember(pipelineId, target, state);
    this.enqueue(pipelineId, tracked, state);
  }

  /** Stops listening and waits (a little) for statuses being sent. */
  async close(): Promise<void> {
    this.engine.off("pipeline", this.listener);
    const pending = Promise.allSettled([...this.inFlight]);
    await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    this.closed = true;
  }

  private onSummary(summary: PipelineSummary): void {
    if (this.closed) return;
    const tracked = this.tracked.get(summary.id) ?? this.load(summary.id);
    if (!tracked) return;
    const state = commitStateOf(summary);
    if (state === tracked.state) return;
    tracked.state = state;
    this.tracked.set(summary.id, tracked);
    this.db.prepare(`UPDATE commit_statuses SET state = ?, updated_at = ? WHERE pipeline_id = ?`).run(state, Date.now(), summary.id);
    this.enqueue(summary.id, tracked, state);
  }

  private load(pipelineId: string): Tracked | null {
    const row = this.db.prepare(`SELECT * FROM commit_statuses WHERE pipeline_id = ?`).get(pipelineId) as StatusRow | undefined;
    return row ? { repositoryId: row.repository_id, sha: row.sha, context: row.context, state: row.state, chain: Promise.resolve() } : null;
  }

  private remember(pipelineId: string, target: StatusTarget, state: CommitState): Tracked {
    const tracked: Tracked = { ...target, state, chain: Promise.resolve() };
    this.tracked.set(pipelineId, tracked);
    return tracked;
  }

  private enqueue(pipelineId: string, tracked: Tracked, state: CommitState): void {
    const sending = tracked.chain.then(() => this.send(pipelineId, tracked, state));
    tracked.chain = sending;
    this.inFlight.add(sending);
    void sending.finally(() => {
      this.inFlight.delete(sending);
      // An ended pipeline's entry goes once its last status is out; a rerun loads it again.
      if (tracked.chain === sending && tracked.state !== "pending" && this.tracked.get(pipelineId) === tracked) this.tracked.delete(pipelineId);
    });
  }

  private async send(pipelineId: string, target: StatusTarget, state: CommitState): Promise<void> {
    const repository = this.repositories.get(target.repositoryId);
    let token: string | null = null;
    try {
      token = repository ? this.repositories.accessToken(target.repositoryId) : null;
    } catch (error) {
      this.failed(pipelineId, state, (error as Error).message);
      return;
    }
    if (!repository || !token) return;
    const [owner, repo] = repository.name.split("/") as [string, string];
    const url = `${repository.apiBaseUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/statuses/${encodeURIComponent(target.sha)}`;
    const body = JSON.stringify({ state, target_url: `${this.publicUrl}/pipelines/${pipelineId}`, description: DESCRIPTIONS[state], context: target.context });
    let problem = "";
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.retryDelaysMs[attempt - 1]));
      if (this.closed) return;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/vnd.github+json",
            "content-type": "application/json",
            "user-agent": "baton-ci",
            "x-github-api-version": "2022-11-28",
          },
          body,
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
        const text = await response.text().catch(() => "");
        if (response.ok) {
          if (!this.closed) this.db.prepare(`UPDATE commit_statuses SET sent_state = ?, error = NULL WHERE pipeline_id = ?`).run(state, pipelineId);
          return;
        }
        problem = `${response.status} ${text.slice(0, 200)}`.trim();
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    this.failed(pipelineId, state, problem);
  }

  private failed(pipelineId: string, state: CommitState, problem: string): void {
    console.warn(`baton: commit status ${state} for pipeline ${pipelineId} not sent: ${problem}`);
    if (!this.closed) this.db.prepare(`UPDATE commit_statuses SET error = ? WHERE pipeline_id = ?`).run(`${state}: ${problem}`, pipelineId);
  }
}

interface StatusRow {
  pipeline_id: string;
  repository_id: number;
  sha: string;
  context: string;
  state: CommitState;
  sent_state: CommitState | null;
  error: string | null;
}
