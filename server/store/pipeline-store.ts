import type { PipelineListQuery } from "../../shared/api/api-contract";
import type { PipelineSummary, StateCounts } from "../../shared/api/pipeline-views";
import type { PipelineSecrets } from "../../shared/api/secrets";
import type { NodeState } from "../../shared/pipeline/node-state";
import type { NodeType } from "../../shared/pipeline/pipeline-schema";
import type { AttemptRecord, NodeRole, NodeSpec } from "../engine/runtime-node";
import type { Db } from "./database";

export interface PipelineRecord {
  id: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  state: NodeState;
  repo: string | null;
  repoDir: string | null;
  branch: string | null;
  sha: string | null;
  event: string | null;
  section: string | null;
  trigger: string;
  executor: string;
  variables: Record<string, string>;
  /** The delivery (deliveries.id) this pipeline was launched for, if any. */
  deliveryId: number | null;
  seq: number;
  /** The engine still holds it (not every node finished); a restart resumes it. */
  live: boolean;
  counts: StateCounts;
  /** The registered repository it was launched for (its secrets), if any. */
  repositoryId: number | null;
  /** Whether its nodes get secrets, decided at launch. */
  secrets: PipelineSecrets;
}

export interface NodeRow {
  path: string;
  parentPath: string | null;
  index: number;
  name: string;
  type: NodeType;
  role: NodeRole;
  spec: NodeSpec;
  state: NodeState;
  skipped: boolean;
  halted: boolean;
  awaitingGraft: boolean;
  retriesUsed: number;
}

interface PipelineDbRow {
  id: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  state: string;
  repo: string | null;
  repo_dir: string | null;
  branch: string | null;
  sha: string | null;
  event: string | null;
  section: string | null;
  trigger: string;
  executor: string;
  variables: string;
  delivery_id: number | null;
  seq: number;
  live: number;
  counts: string;
  repository_id: number | null;
  secrets: string;
}

function toRecord(row: PipelineDbRow): PipelineRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    state: row.state as NodeState,
    repo: row.repo,
    repoDir: row.repo_dir,
    branch: row.branch,
    sha: row.sha,
    event: row.event,
    section: row.section,
    trigger: row.trigger,
    executor: row.executor,
    variables: JSON.parse(row.variables) as Record<string, string>,
    deliveryId: row.delivery_id,
    seq: row.seq,
    live: row.live === 1,
    counts: JSON.parse(row.counts) as StateCounts,
    repositoryId: row.repository_id,
    secrets: row.secrets as PipelineSecrets,
  };
}

export function toSummary(record: PipelineRecord): PipelineSummary {
  return {
    id: record.id,
    repo: record.repo,
    branch: record.branch,
    sha: record.sha,
    event: record.event,
    section: record.section,
    trigger: record.trigger,
    state: record.state,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    executor: record.executor,
    counts: record.counts,
    secrets: record.secrets,
  };
}

/** Pipelines, nodes and attempts in SQLite. Writes come in batches, one transaction per engine step. */
export class PipelineStore {
  private readonly statements;

  constructor(readonly db: Db) {
    this.statements = {
      upsertPipeline: db.prepare(`
        INSERT INTO pipelines (id, created_at, started_at, ended_at, state, repo, repo_dir, branch, sha, event, section, trigger, executor, variables, delivery_id, seq, live, counts, repository_id, secrets)
        VALUES (@id, @createdAt, @startedAt, @endedAt, @state, @repo, @repoDir, @branch, @sha, @event, @section, @trigger, @executor, @variables, @deliveryId, @seq, @live, @counts, @repositoryId, @secrets)
        ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, state = excluded.state,
          seq = excluded.seq, live = excluded.live, counts = excluded.counts, sha = excluded.sha`),
      upsertNode: db.prepare(`
        INSERT INTO nodes (pipeline_id, path, parent_path, idx, name, type, role, spec, state, skipped, halted, awaiting_graft, retries_used)
        VALUES (@pipelineId, @path, @parentPath, @index, @name, @type, @role, @spec, @state, @skipped, @halted, @awaitingGraft, @retriesUsed)
        ON CONFLICT (pipeline_id, path) DO UPDATE SET type = excluded.type, spec = excluded.spec, state = excluded.state, skipped = excluded.skipped,
          halted = excluded.halted, awaiting_graft = excluded.awaiting_graft, retries_used = excluded.retries_used`),
      upsertAttempt: db.prepare(`
        INSERT INTO attempts (pipeline_id, path, n, state, started_at, ended_at, exit_code, trigger, command, message, executor, ref, log_file, line_count, bytes)
        VALUES (@pipelineId, @path, @n, @state, @startedAt, @endedAt, @exitCode, @trigger, @command, @message, @executor, @ref, @logFile, @lineCount, @bytes)
        ON CONFLICT (pipeline_id, path, n) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, ended_at = excluded.ended_at,
          exit_code = excluded.exit_code, message = excluded.message, ref = excluded.ref, line_count = excluded.line_count, bytes = excluded.bytes`),
      deleteSubtreeNodes: db.prepare(`DELETE FROM nodes WHERE pipeline_id = ? AND path LIKE ? ESCAPE '\\'`),
      deleteSubtreeAttempts: db.prepare(`DELETE FROM attempts WHERE pipeline_id = ? AND path LIKE ? ESCAPE '\\'`),
      getPipeline: db.prepare(`SELECT * FROM pipelines WHERE id = ?`),
      nodesOf: db.prepare(`SELECT * FROM nodes WHERE pipeline_id = ?`),
      attemptsOf: db.prepare(`SELECT * FROM attempts WHERE pipeline_id = ? ORDER BY path, n`),
      liveIds: db.prepare(`SELECT id FROM pipelines WHERE live = 1 ORDER BY created_at`),
      ofDelivery: db.prepare(`SELECT id, section FROM pipelines WHERE delivery_id = ? ORDER BY created_at, id`),
    };
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  savePipeline(record: PipelineRecord): void {
    this.statements.upsertPipeline.run({
      ...record,
      variables: JSON.stringify(record.variables),
      live: record.live ? 1 : 0,
      counts: JSON.stringify(record.counts),
    });
  }

  saveNode(pipelineId: string, row: NodeRow): void {
    this.statements.upsertNode.run({
      pipelineId,
      ...row,
      spec: JSON.stringify(row.spec),
      skipped: row.skipped ? 1 : 0,
      halted: row.halted ? 1 : 0,
      awaitingGraft: row.awaitingGraft ? 1 : 0,
    });
  }

  saveAttempt(pipelineId: string, path: string, attempt: AttemptRecord): void {
    this.statements.upsertAttempt.run({ pipelineId, path, ...attempt });
  }

  /** Removes the descendants of `path` (not the node itself), e.g. before a new graft. */
  deleteDescendants(pipelineId: string, path: string): void {
    const prefix = `${path === "/" ? "" : path}/`.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
    this.statements.deleteSubtreeNodes.run(pipelineId, prefix);
    this.statements.deleteSubtreeAttempts.run(pipelineId, prefix);
  }

  getPipeline(id: string): PipelineRecord | null {
    const row = this.statements.getPipeline.get(id) as PipelineDbRow | undefined;
    return row ? toRecord(row) : null;
  }

  loadNodes(id: string): { nodes: NodeRow[]; attempts: Map<string, AttemptRecord[]> } {
    const nodes = (this.statements.nodesOf.all(id) as Record<string, unknown>[]).map(
      (row): NodeRow => ({
        path: row.path as string,
        parentPath: row.parent_path as string | null,
        index: row.idx as number,
        name: row.name as string,
        type: row.type as NodeType,
        role: (row.role as NodeRole) ?? null,
        spec: JSON.parse(row.spec as string) as NodeSpec,
        state: row.state as NodeState,
        skipped: row.skipped === 1,
        halted: row.halted === 1,
        awaitingGraft: row.awaiting_graft === 1,
        retriesUsed: row.retries_used as number,
      }),
    );
    const attempts = new Map<string, AttemptRecord[]>();
    for (const row of this.statements.attemptsOf.all(id) as Record<string, unknown>[]) {
      const record: AttemptRecord = {
        n: row.n as number,
        state: row.state as NodeState,
        startedAt: row.started_at as number | null,
        endedAt: row.ended_at as number | null,
        exitCode: row.exit_code as number | null,
        trigger: row.trigger as string,
        command: row.command as string | null,
        message: row.message as string | null,
        executor: row.executor as string | null,
        ref: row.ref as string | null,
        logFile: row.log_file as string,
        lineCount: row.line_count as number,
        bytes: row.bytes as number,
      };
      const list = attempts.get(row.path as string);
      if (list) list.push(record);
      else attempts.set(row.path as string, [record]);
    }
    return { nodes, attempts };
  }

  livePipelineIds(): string[] {
    return (this.statements.liveIds.all() as { id: string }[]).map((r) => r.id);
  }

  /** The pipelines launched for a delivery, with their cfg section. */
  pipelinesOfDelivery(deliveryId: number): { id: string; section: string | null }[] {
    return this.statements.ofDelivery.all(deliveryId) as { id: string; section: string | null }[];
  }

  listPipelines(query: PipelineListQuery): PipelineRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.repo) {
      where.push("repo = ?");
      params.push(query.repo);
    }
    if (query.branch) {
      where.push("branch = ?");
      params.push(query.branch);
    }
    if (query.state) {
      where.push("state = ?");
      params.push(query.state);
    }
    const sql = `SELECT * FROM pipelines ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit) as PipelineDbRow[]).map(toRecord);
  }
}
