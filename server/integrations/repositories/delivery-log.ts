import type { Statement } from "better-sqlite3";
import type { DeliveriesQuery, DeliveryResult, DeliverySource, DeliveryView } from "../../../shared/api/repositories";
import type { Db } from "../../store/database";

/** Deliveries are kept this long. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;
/** Rejected deliveries need no signature: however many arrive, only the newest are kept. */
const MAX_REJECTED_KEPT = 10_000;

export interface NewDelivery {
  repositoryId: number | null;
  repository: string | null;
  source: DeliverySource;
  event: string;
  action?: string | null;
  guid: string | null;
  /** Idempotency: a second delivery with the same key is logged, not processed. */
  claimKey?: string | null;
  status: number;
  result: DeliveryResult;
  reason?: string | null;
  /** Kept for signed deliveries (to redeliver them) and local hook notifications (to process them after a crash). */
  body?: Buffer | null;
  contentType?: string | null;
  redeliveryOf?: number | null;
  receivedAt?: number;
}

export interface LaunchedRef {
  id: string;
  section: string;
}

export interface StoredDelivery {
  id: number;
  repositoryId: number | null;
  event: string;
  action: string | null;
  guid: string | null;
  body: Buffer | null;
  contentType: string | null;
  source: DeliverySource;
  redeliveryOf: number | null;
}

interface DeliveryRow {
  id: number;
  repository_id: number | null;
  repository_name: string | null;
  source: DeliverySource;
  event: string;
  action: string | null;
  guid: string | null;
  received_at: number;
  finished_at: number | null;
  http_status: number;
  result: DeliveryResult;
  reason: string | null;
  pipelines: string;
  has_body: number;
  redelivery_of: number | null;
}

const STORED_COLUMNS = `id, repository_id, event, action, guid, body, content_type, source, redelivery_of`;

interface StoredRow {
  id: number;
  repository_id: number | null;
  event: string;
  action: string | null;
  guid: string | null;
  body: Buffer | null;
  content_type: string | null;
  source: DeliverySource;
  redelivery_of: number | null;
}

function toStored(row: StoredRow): StoredDelivery {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    event: row.event,
    action: row.action,
    guid: row.guid,
    body: row.body,
    contentType: row.content_type,
    source: row.source,
    redeliveryOf: row.redelivery_of,
  };
}

const VIEW_COLUMNS = `id, repository_id, repository_name, source, event, action, guid, received_at, finished_at, http_status, result, reason, pipelines,
  body IS NOT NULL AS has_body, redelivery_of`;

/**
 * Every delivery — GitHub's, a test delivery, a local hook's notification, a cron launch — with
 * its time, event, result and reason, kept for 30 days. Claiming a delivery id is one
 * `INSERT OR IGNORE` against a unique index, so concurrent copies of a delivery cannot both win.
 */
export class DeliveryLog {
  private readonly insert: Statement<[Record<string, unknown>]>;
  private readonly finishStatement: Statement<unknown[]>;
  /** The open group commit: deliveries of one tick share one transaction (one WAL write). */
  private group: { done: Promise<void>; resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(
    private readonly db: Db,
    private readonly publicUrl: string,
  ) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO deliveries (repository_id, repository_name, source, event, action, guid, claim_key, received_at, finished_at, http_status, result, reason, body, content_type, redelivery_of)
       VALUES (@repositoryId, @repository, @source, @event, @action, @guid, @claimKey, @receivedAt, @finishedAt, @status, @result, @reason, @body, @contentType, @redeliveryOf)`,
    );
    this.finishStatement = db.prepare(`UPDATE deliveries SET result = ?, reason = ?, pipelines = ?, finished_at = ? WHERE id = ?`);
  }

  /**
   * Logs a delivery. With a claim key already taken, the delivery is logged as an ignored
   * duplicate instead and `duplicateOf` names the delivery that holds the key.
   */
  record(entry: NewDelivery): { id: number; duplicateOf: number | null } {
    const now = entry.receivedAt ?? Date.now();
    const params = {
      repositoryId: entry.repositoryId,
      repository: entry.repository,
      source: entry.source,
      event: entry.event,
      action: entry.action ?? null,
      guid: entry.guid,
      claimKey: entry.claimKey ?? null,
      receivedAt: now,
      finishedAt: entry.result === "accepted" ? null : now,
      status: entry.status,
      result: entry.result,
      reason: entry.reason ?? null,
      body: entry.body ?? null,
      contentType: entry.contentType ?? null,
      redeliveryOf: entry.redeliveryOf ?? null,
    };
    return this.inGroup(() => {
      const inserted = this.insert.run(params);
      if (inserted.changes > 0) return { id: Number(inserted.lastInsertRowid), duplicateOf: null };
      const holder = this.db.prepare(`SELECT id FROM deliveries WHERE claim_key = ?`).get(params.claimKey) as { id: number } | undefined;
      if (!holder) throw new Error(`delivery ${entry.guid} could not be logged`);
      const duplicate = this.insert.run({
        ...params,
        claimKey: null,
        body: null,
        status: 200,
        result: "ignored",
        finishedAt: now,
        reason: `delivery ${entry.guid} was received before (delivery #${holder.id}): a redelivery launches nothing`,
      });
      return { id: Number(duplicate.lastInsertRowid), duplicateOf: holder.id };
    });
  }

  /** Resolves once every delivery recorded so far is committed to disk (rejects if that failed). */
  committed(): Promise<void> {
    return this.group?.done ?? Promise.resolve();
  }

  /** Records a delivery's outcome. */
  finish(id: number, result: DeliveryResult, reason: string | null, pipelines: LaunchedRef[] = []): void {
    this.inGroup(() => this.finishStatement.run(result, reason, JSON.stringify(pipelines), Date.now(), id));
  }

  /** Commits the open group now (before the database closes). */
  flush(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    try {
      this.db.exec("COMMIT");
      group.resolve();
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
      } catch {
        // Nothing more to undo.
      }
      group.reject(error as Error);
    }
  }

  /**
   * Group commit: the first write of a tick opens a transaction that the next tick commits, so a
   * burst of deliveries costs one WAL write instead of one each. The receiver answers only once
   * `committed()` resolves: an accepted delivery is on disk. Other code's transactions opened
   * meanwhile become savepoints inside it (better-sqlite3 nests them).
   */
  private inGroup<T>(work: () => T): T {
    if (!this.group) {
      if (this.db.inTransaction) return work();
      this.db.exec("BEGIN IMMEDIATE");
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      done.catch(() => undefined);
      this.group = { done, resolve, reject };
      setImmediate(() => this.flush());
    }
    return work();
  }

  get(id: number): DeliveryView | null {
    const row = this.db.prepare(`SELECT ${VIEW_COLUMNS} FROM deliveries WHERE id = ?`).get(id) as DeliveryRow | undefined;
    return row ? this.toView(row) : null;
  }

  list(query: DeliveriesQuery & { repositoryId?: number }): DeliveryView[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.repositoryId !== undefined) {
      where.push("repository_id = ?");
      values.push(query.repositoryId);
    }
    if (query.result !== undefined) {
      where.push("result = ?");
      values.push(query.result);
    }
    if (query.before !== undefined) {
      where.push("id < ?");
      values.push(query.before);
    }
    const rows = this.db
      .prepare(`SELECT ${VIEW_COLUMNS} FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`)
      .all(...values, query.limit) as DeliveryRow[];
    return rows.map((row) => this.toView(row));
  }

  /** The signed body of a delivery, for redelivery. */
  stored(id: number): StoredDelivery | null {
    const row = this.db.prepare(`SELECT ${STORED_COLUMNS} FROM deliveries WHERE id = ?`).get(id) as StoredRow | undefined;
    return row ? toStored(row) : null;
  }

  /**
   * Deliveries accepted but not finished, oldest first: what a stopped (or killed) server had
   * still to process. Processing one again is safe: its pipelines carry its id (see CfgLauncher).
   */
  unfinished(): StoredDelivery[] {
    return (this.db.prepare(`SELECT ${STORED_COLUMNS} FROM deliveries WHERE result = 'accepted' ORDER BY id`).all() as StoredRow[]).map(toStored);
  }

  /** How many redeliveries of `id` were made (to name the next one). */
  redeliveryCount(id: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM deliveries WHERE redelivery_of = ?`).get(id) as { n: number }).n;
  }

  /** Drops deliveries older than 30 days, and rejected ones beyond the newest 10,000. */
  prune(now = Date.now()): number {
    return this.db.transaction(() => {
      let removed = this.db.prepare(`DELETE FROM deliveries WHERE received_at < ?`).run(now - DELIVERY_RETENTION_MS).changes;
      const cutoff = this.db.prepare(`SELECT id FROM deliveries WHERE result = 'rejected' ORDER BY id DESC LIMIT 1 OFFSET ?`).get(MAX_REJECTED_KEPT) as
        | { id: number }
        | undefined;
      if (cutoff) removed += this.db.prepare(`DELETE FROM deliveries WHERE result = 'rejected' AND id <= ?`).run(cutoff.id).changes;
      return removed;
    })();
  }

  private toView(row: DeliveryRow): DeliveryView {
    const pipelines = JSON.parse(row.pipelines) as LaunchedRef[];
    return {
      id: row.id,
      repositoryId: row.repository_id,
      repository: row.repository_name,
      source: row.source,
      event: row.event,
      action: row.action,
      guid: row.guid,
      receivedAt: row.received_at,
      finishedAt: row.finished_at,
      status: row.http_status,
      result: row.result,
      reason: row.reason,
      pipelines: pipelines.map((p) => ({ ...p, url: `${this.publicUrl}/pipelines/${p.id}` })),
      redeliveryOf: row.redelivery_of,
      canRedeliver: row.has_body === 1 && row.repository_id !== null && row.source !== "local-git" && row.source !== "cron",
    };
  }
}
