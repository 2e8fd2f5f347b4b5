import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { engineHarness, exec, serial, type EngineHarness } from "../fixtures/engine-harness";
import { tempDir } from "../fixtures/temp-git-repo";

/** What a kill -9 can leave on disk between two engine steps, and what the next start makes of it. */

const open: EngineHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

function harness(dataDir: string): EngineHarness {
  const h = engineHarness({ dataDir });
  open.push(h);
  return h;
}

/** The rows another process would read now (a restarted server): what a kill -9 at this instant keeps. */
function onDisk(dataDir: string, pipelineId: string): { live: number; nodes: Record<string, string> } {
  const db = new Database(path.join(dataDir, "baton.sqlite"), { readonly: true });
  try {
    const pipeline = db.prepare(`SELECT live FROM pipelines WHERE id = ?`).get(pipelineId) as { live: number };
    const rows = db.prepare(`SELECT path, state FROM nodes WHERE pipeline_id = ?`).all(pipelineId) as { path: string; state: string }[];
    return { live: pipeline.live, nodes: Object.fromEntries(rows.map((r) => [r.path, r.state])) };
  } finally {
    db.close();
  }
}

describe("recovery of pipelines a crash caught between steps", () => {
  it("commits a launched pipeline with its first node already queued, so that no crash leaves it saved but never started", async () => {
    const dataDir = tempDir("baton-engine-recovery-");
    const h = harness(dataDir);
    const detail = h.launch(serial("r", [exec("a", "true"), exec("b", "true")]));
    // Synchronously after launch: nothing else has run yet.
    expect(onDisk(dataDir, detail.id)).toEqual({ live: 1, nodes: { "/": "queued", "/a": "queued", "/b": "pending" } });
    expect((await h.engine.whenIdle(detail.id)).state).toBe("done");
  });

  it("goes on with a live pipeline that has nothing running or queued on disk", async () => {
    const dataDir = tempDir("baton-engine-recovery-");
    const first = harness(dataDir);
    const { id } = await first.run(serial("r", [exec("a", "true"), exec("b", "true")]));
    await first.close();
    open.splice(open.indexOf(first), 1);
    // The state a launch saved before its first step was committed: live, every node pending, no attempt.
    const db = new Database(path.join(dataDir, "baton.sqlite"));
    db.prepare(`UPDATE pipelines SET live = 1, state = 'pending', ended_at = NULL, started_at = NULL WHERE id = ?`).run(id);
    db.prepare(`UPDATE nodes SET state = 'pending' WHERE pipeline_id = ?`).run(id);
    db.prepare(`DELETE FROM attempts WHERE pipeline_id = ?`).run(id);
    db.close();

    const second = harness(dataDir);
    expect(await second.engine.recover()).toMatchObject({ resumed: 1 });
    const final = await second.engine.whenIdle(id);
    expect(final.state).toBe("done");
    expect(final.endedAt).not.toBeNull();
  });
});
