import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ActionError } from "../../server/engine";
import { engineHarness, exec, nodeAt, parallel, serial, waitFor, type EngineHarness } from "../fixtures/engine-harness";
import { tempDir } from "../fixtures/temp-git-repo";

let harness: EngineHarness;
afterEach(async () => {
  await harness?.close();
});

/** A command that records how many siblings run at the same moment (they share the pipeline's workspace). */
const countingCommand = 'mkdir -p "$PROBE/slots" && touch "$PROBE/slots/$BATON_ATTEMPT_ID" && ls "$PROBE/slots" | wc -l >> "$PROBE/counts" && sleep 0.3 && rm "$PROBE/slots/$BATON_ATTEMPT_ID"';

/** The most siblings that ran at once, as the counting command saw it. */
function peakOf(probe: string): number[] {
  return fs.readFileSync(path.join(probe, "counts"), "utf8").trim().split("\n").map(Number);
}

function workspace(dataDir: string, pipelineId: string): string {
  return path.join(dataDir, "work", pipelineId, "workspace");
}

describe("the engine runs the tree as DESIGN §1 says", () => {
  it("leaves the later siblings of a failed child of a stopOnError Serial pending", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [exec("a", "true"), exec("b", "exit 3"), exec("c", "true")]));
    expect(nodeAt(detail, "/a").state).toBe("done");
    expect(nodeAt(detail, "/b").state).toBe("error");
    expect(nodeAt(detail, "/b").attempts[0]!.exitCode).toBe(3);
    expect(nodeAt(detail, "/c").state).toBe("pending");
    expect(nodeAt(detail, "/c").attempts).toHaveLength(0);
    expect(detail.root.state).toBe("error");
  });

  it("runs the rest of a Serial with stopOnError false and fails the Serial at the end", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [exec("a", "exit 1"), exec("b", "true"), exec("c", "true")], { stopOnError: false }));
    expect(nodeAt(detail, "/a").state).toBe("error");
    expect(nodeAt(detail, "/b").state).toBe("done");
    expect(nodeAt(detail, "/c").state).toBe("done");
    expect(detail.root.state).toBe("error");
  });

  it("counts a suppressErrors parent as done although its child failed", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [serial("flaky", [exec("x", "exit 1")], { suppressErrors: true }), exec("after", "true")]));
    expect(nodeAt(detail, "/flaky/x").state).toBe("error");
    expect(nodeAt(detail, "/flaky").state).toBe("done");
    expect(nodeAt(detail, "/after").state).toBe("done");
    expect(detail.root.state).toBe("done");
  });

  it("never runs more than maxConcurrent children of a Parallel at once", async () => {
    harness = engineHarness();
    const probe = tempDir();
    const children = Array.from({ length: 6 }, (_, i) => exec(`t${i}`, countingCommand));
    const detail = await harness.run(parallel("root", children, { maxConcurrent: 2, env: { PROBE: probe } }));
    expect(detail.root.state).toBe("done");
    const counts = peakOf(probe);
    expect(counts).toHaveLength(6);
    expect(Math.max(...counts)).toBe(2);
  });

  it("counts a Serial child of a limited Parallel as one slot until it ends", async () => {
    harness = engineHarness();
    const probe = tempDir();
    const children = Array.from({ length: 3 }, (_, i) => serial(`s${i}`, [exec("one", countingCommand), exec("two", countingCommand)]));
    const detail = await harness.run(parallel("root", children, { maxConcurrent: 2, env: { PROBE: probe } }));
    expect(detail.root.state).toBe("done");
    const counts = peakOf(probe);
    expect(counts).toHaveLength(6);
    expect(Math.max(...counts)).toBe(2);
  });

  it("never runs more Execs at once than the global limit across pipelines", async () => {
    harness = engineHarness({ maxParallel: 3 });
    const children = Array.from({ length: 8 }, (_, i) => exec(`t${i}`, "sleep 0.2"));
    const a = harness.launch(parallel("a", children));
    const b = harness.launch(parallel("b", children));
    await harness.engine.whenIdle(a.id);
    await harness.engine.whenIdle(b.id);
    expect(harness.engine.peakRunning).toBe(3);
  });

  it("kills a node past its maxTime and records it killed", async () => {
    harness = engineHarness({ killGraceMs: 500 });
    const started = Date.now();
    const detail = await harness.run(serial("root", [exec("slow", "sleep 30", { maxTime: "1s" })]));
    const slow = nodeAt(detail, "/slow");
    expect(slow.state).toBe("killed");
    expect(slow.attempts[0]!.message).toMatch(/maxTime 1s exceeded/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("makes at most retries + 1 attempts of a failing Exec", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [exec("flaky", "echo try >> tries; exit 1", { retries: 2 })]));
    const flaky = nodeAt(detail, "/flaky");
    expect(flaky.state).toBe("error");
    expect(flaky.attempts).toHaveLength(3);
    expect(flaky.attempts.map((a) => a.trigger)).toEqual(["test", "retry", "retry"]);
    expect(fs.readFileSync(path.join(workspace(harness.dataDir, detail.id), "tries"), "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("stops retrying once an attempt succeeds", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [exec("flaky", "echo x >> n; test $(wc -l < n) -ge 2", { retries: 5 })]));
    expect(nodeAt(detail, "/flaky").state).toBe("done");
    expect(nodeAt(detail, "/flaky").attempts).toHaveLength(2);
  });

  it("does not run a skipped node and counts it done for its Serial", async () => {
    harness = engineHarness();
    const probe = tempDir();
    const detail = await harness.run(serial("root", [exec("a", "true"), exec("deploy", `touch ${probe}/deployed`, { skip: true }), exec("c", "true")]));
    expect(nodeAt(detail, "/deploy").skipped).toBe(true);
    expect(nodeAt(detail, "/deploy").state).toBe("pending");
    expect(nodeAt(detail, "/c").state).toBe("done");
    expect(detail.root.state).toBe("done");
    expect(fs.existsSync(path.join(probe, "deployed"))).toBe(false);
  });

  it("grafts and runs the subtree a lazy node prints", async () => {
    harness = engineHarness();
    const subtree = JSON.stringify({
      type: "parallel",
      name: "generated",
      children: [
        { type: "exec", name: "test-a", command: "echo from-a" },
        { type: "exec", name: "test-b", command: "echo from-b" },
      ],
    });
    const detail = await harness.run(serial("root", [{ type: "lazy", name: "tests", command: `printf '%s' '${subtree}'` }, exec("after", "true")]));
    expect(nodeAt(detail, "/tests/Generate").state).toBe("done");
    expect(nodeAt(detail, "/tests/Execute").type).toBe("parallel");
    expect(nodeAt(detail, "/tests/Execute/test-a").state).toBe("done");
    expect(nodeAt(detail, "/tests/Execute/test-b").state).toBe("done");
    expect(nodeAt(detail, "/after").state).toBe("done");
    const log = harness.engine.readLog(detail.id, "/tests/Execute/test-b", undefined, 0, 10);
    expect(log.lines.map((l) => l.text)).toEqual(["from-b"]);
  });

  it("fails a lazy node whose output is not a valid pipeline and names the bad node's path", async () => {
    harness = engineHarness();
    const bad = JSON.stringify({ type: "serial", name: "g", children: [{ type: "exec", name: "x", command: "" }] });
    const detail = await harness.run(serial("root", [{ type: "lazy", name: "tests", command: `printf '%s' '${bad}'` }]));
    const generate = nodeAt(detail, "/tests/Generate");
    expect(generate.state).toBe("error");
    expect(generate.attempts[0]!.message).toMatch(/invalid pipeline: .*\/x: command/);
  });
});

describe("the controls of DESIGN §3", () => {
  it("reruns a fixed failed node after which its Serial goes on, keeping the earlier attempt", async () => {
    harness = engineHarness();
    let detail = await harness.run(serial("root", [exec("build", "true"), exec("test", "test -f fixed"), exec("deploy", "echo deployed")]));
    expect(nodeAt(detail, "/test").state).toBe("error");
    expect(detail.root.state).toBe("error");
    harness.engine.act(detail.id, { action: "modify", path: "/test", command: "touch fixed && test -f fixed" }, "alice");
    detail = await harness.engine.whenIdle(detail.id);
    const test = nodeAt(detail, "/test");
    expect(test.state).toBe("done");
    expect(test.attempts).toHaveLength(2);
    expect(test.attempts[0]!.state).toBe("error");
    expect(test.attempts[1]!.trigger).toBe("alice");
    expect(test.command).toBe("touch fixed && test -f fixed");
    expect(nodeAt(detail, "/deploy").state).toBe("done");
    expect(nodeAt(detail, "/build").attempts).toHaveLength(1);
    expect(detail.root.state).toBe("done");
    expect(detail.endedAt).not.toBeNull();
  });

  it("lets a Serial go on past a failed node once it is skipped", async () => {
    harness = engineHarness();
    let detail = await harness.run(serial("root", [exec("lint", "exit 1"), exec("after", "true")]));
    expect(nodeAt(detail, "/after").state).toBe("pending");
    harness.engine.act(detail.id, { action: "skip", path: "/lint" }, "bob");
    detail = await harness.engine.whenIdle(detail.id);
    expect(nodeAt(detail, "/lint")).toMatchObject({ state: "error", skipped: true });
    expect(nodeAt(detail, "/after").state).toBe("done");
    expect(detail.root.state).toBe("done");
    harness.engine.act(detail.id, { action: "unskip", path: "/lint" }, "bob");
    detail = harness.engine.getDetail(detail.id)!;
    expect(nodeAt(detail, "/lint")).toMatchObject({ state: "error", skipped: false });
    expect(detail.root.state).toBe("error");
  });

  it("kills a running node: SIGTERM reaches it and it becomes killed; queued siblings end killed without running", async () => {
    harness = engineHarness({ maxParallel: 1, killGraceMs: 5000 });
    const detail = harness.launch(parallel("root", [exec("long", "sleep 600"), exec("waiting", "touch ran")]));
    await waitFor(() => harness.engine.getDetail(detail.id)!.root.children[0]!.state === "running", 5000, "long to run");
    const started = Date.now();
    harness.engine.act(detail.id, { action: "kill", path: "/" }, "carol");
    const final = await harness.engine.whenIdle(detail.id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(nodeAt(final, "/long").state).toBe("killed");
    expect(nodeAt(final, "/long").attempts[0]!.message).toBe("killed by carol");
    expect(nodeAt(final, "/waiting").state).toBe("killed");
    expect(nodeAt(final, "/waiting").attempts[0]!.startedAt).toBeNull();
    expect(fs.existsSync(path.join(workspace(harness.dataDir, detail.id), "ran"))).toBe(false);
    expect(final.root.state).toBe("killed");
  });

  it("escalates to SIGKILL after the grace period when a command ignores SIGTERM", async () => {
    harness = engineHarness({ killGraceMs: 500 });
    const detail = harness.launch(serial("root", [exec("stubborn", "trap '' TERM; sleep 600 & wait; sleep 600")]));
    await waitFor(() => harness.engine.getDetail(detail.id)!.root.children[0]!.state === "running", 5000, "stubborn to run");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    harness.engine.act(detail.id, { action: "kill", path: "/stubborn" }, "dave");
    const final = await harness.engine.whenIdle(detail.id);
    expect(nodeAt(final, "/stubborn").state).toBe("killed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("refuses a second rerun while the first one's node still runs", async () => {
    harness = engineHarness();
    const first = await harness.run(serial("root", [exec("slow", "sleep 0.5; exit 1")]));
    harness.engine.act(first.id, { action: "rerun", path: "/slow" }, "eve");
    expect(() => harness.engine.act(first.id, { action: "rerun", path: "/slow" }, "eve")).toThrow(ActionError);
    const final = await harness.engine.whenIdle(first.id);
    expect(nodeAt(final, "/slow").attempts).toHaveLength(2);
  });

  it("records killed when a kill races the command's own exit, and never both", async () => {
    harness = engineHarness();
    for (let i = 0; i < 5; i++) {
      const detail = harness.launch(serial("root", [exec("quick", "sleep 0.05")]));
      await waitFor(() => harness.engine.getDetail(detail.id)!.root.children[0]!.state === "running", 5000, "quick to run");
      await new Promise((resolve) => setTimeout(resolve, 45));
      try {
        harness.engine.act(detail.id, { action: "kill", path: "/quick" }, "race");
      } catch (error) {
        expect(error).toBeInstanceOf(ActionError);
      }
      const final = await harness.engine.whenIdle(detail.id);
      const quick = nodeAt(final, "/quick");
      expect(["done", "killed"]).toContain(quick.state);
      expect(quick.attempts).toHaveLength(1);
      expect(quick.attempts[0]!.state).toBe(quick.state);
    }
  });

  it("reruns every failed leaf with rerunFailed and refuses a kill of a done node", async () => {
    harness = engineHarness();
    let detail = await harness.run(parallel("root", [exec("a", "test -f ok"), exec("b", "test -f ok"), exec("c", "touch ok")], { maxConcurrent: 1 }));
    expect(nodeAt(detail, "/a").state).toBe("error");
    expect(nodeAt(detail, "/b").state).toBe("error");
    expect(() => harness.engine.act(detail.id, { action: "kill", path: "/c" }, "x")).toThrow(/cannot kill \/c: it is done/);
    harness.engine.act(detail.id, { action: "rerunFailed" }, "x");
    detail = await harness.engine.whenIdle(detail.id);
    expect(detail.root.state).toBe("done");
    expect(nodeAt(detail, "/c").attempts).toHaveLength(1);
  });

  it("answers an unknown path with a 404 ActionError", async () => {
    harness = engineHarness();
    const detail = await harness.run(serial("root", [exec("a", "true")]));
    try {
      harness.engine.act(detail.id, { action: "rerun", path: "/nope" }, "x");
      expect.unreachable();
    } catch (error) {
      expect((error as ActionError).status).toBe(404);
    }
  });
});
