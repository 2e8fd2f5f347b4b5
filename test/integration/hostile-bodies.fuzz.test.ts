import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionOf, mapGithubEvent, repositoryNameOf } from "../../server/integrations/github/github-events";
import { parsePayload } from "../../server/integrations/repositories";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { addRepository, example, repoint, sign } from "../fixtures/webhook-deliveries";
import { makeRepo } from "../fixtures/temp-git-repo";

/**
 * Random and mutated request bodies against the real HTTP server: every one is answered with a
 * 2xx or a 4xx carrying an ApiError (never a 5xx, never a hang over 1 s), nothing rejects
 * unhandled, and the server still serves afterwards. 10,000 cases per parser.
 */

const CASES = 10_000;
const REPOSITORY = "fuzz-owner/fuzz-repo";

let server: InProcessServer;
let secret: string;
let repositoryId: number;
let pipelineId: string;
/** Keep-alive sockets for one burst; a fresh agent per burst, as the server drops sockets idle over 5 s. */
let agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** A JSON text mutated the way a broken client or an attacker would: bytes flipped, cut, repeated, nested. */
function mutatedText(base: string): fc.Arbitrary<string> {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), char: fc.string({ minLength: 1, maxLength: 1, unit: "binary" }) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.json({ maxDepth: 2 }), fc.constantFrom("{", "[", '"', "\\u0000", "\u0000", "1e999999", "-0", "null", ",", "}}}}")) }),
    fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 200 }) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => {
    let text = base;
    for (const m of mutations) {
      const at = text.length === 0 ? 0 : m.at % text.length;
      if (m.kind === "flip") text = text.slice(0, at) + m.char + text.slice(at + 1);
      else if (m.kind === "cut") text = text.slice(0, at);
      else if (m.kind === "insert") text = text.slice(0, at) + m.text + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + m.length).repeat(m.times) + text.slice(at + m.length);
    }
    return text;
  });
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("", "/", "a/b", "../..", "x".repeat(100_000), "名前🚀\u202e", "$(touch /tmp/pwned)", "-rf", "\u0000", 1e308, -1, 0.5, null, true, [], {}),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.anything({ maxDepth: 2 }),
);

/** A JSON document with well-formed syntax whose leaves and keys are replaced by hostile values. */
function mutatedValue(base: string): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), value: hostileValue, key: fc.option(fc.string({ maxLength: 20 })) });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const doc = JSON.parse(base) as unknown;
    const slots: { parent: Record<string, unknown>; key: string }[] = [];
    const walk = (value: unknown) => {
      if (value === null || typeof value !== "object") return;
      for (const [key, child] of Object.entries(value)) {
        slots.push({ parent: value as Record<string, unknown>, key });
        walk(child);
      }
    };
    walk(doc);
    for (const e of edits) {
      const slot = slots[e.at % slots.length]!;
      if (e.key !== null && !Array.isArray(slot.parent)) slot.parent[e.key] = e.value;
      else slot.parent[slot.key] = e.value;
    }
    return JSON.stringify(doc);
  });
}

/** Structurally random JSON documents, deep nesting and shape-confused values included. */
const randomJson: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }).map((v) => JSON.stringify(v) ?? "null"),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth)),
  fc.string({ unit: "binary", maxLength: 300 }),
);

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function send(method: "POST" | "PATCH", path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers: { ...headers, "content-length": Buffer.byteLength(body) }, agent, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 5 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The promise every answer keeps: not a server error, an ApiError when refused, in under a second. */
function expectHandled(answer: Answer, what: string): void {
  if (answer.status >= 500 || answer.ms > 1_000) throw new Error(`${what}: ${answer.status} after ${answer.ms.toFixed(0)} ms: ${answer.body.slice(0, 300)}`);
  if (answer.status >= 400) {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.message !== "string" || typeof parsed.error.code !== "string") throw new Error(`${what}: ${answer.status} without an ApiError: ${answer.body.slice(0, 300)}`);
  }
}

/** Runs `cases` generated bodies through `route`, eight in flight, and counts the answers by status. */
async function fuzzRoute(arbitrary: fc.Arbitrary<string>, cases: number, post: (body: string) => Promise<Answer>, what: string): Promise<Map<number, number>> {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const statuses = new Map<number, number>();
  const bodies = fc.sample(arbitrary, { numRuns: cases, seed: 20261128 });
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const answer = await post(body);
      expectHandled(answer, `${what} ${JSON.stringify(body.slice(0, 120))}`);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return statuses;
}

function total(statuses: Map<number, number>): number {
  return [...statuses.values()].reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  server = await startInProcess();
  const repo = makeRepo({ ".conducto.cfg": "[cron]\ncommand = echo '{\"type\":\"exec\",\"name\":\"a\",\"command\":\"true\"}'\n" });
  // Only cron is enabled: every delivery is parsed, mapped and then ignored, so nothing launches.
  const created = await addRepository(server, { name: REPOSITORY, cloneUrl: repo, events: ["cron"] });
  secret = created.webhookSecret;
  repositoryId = created.id;
  const launched = await server.api<{ pipelines: { id: string }[] }>("POST", "/api/pipelines", { kind: "pipeline", pipeline: { type: "exec", name: "one", command: "true" } });
  expect(launched.status).toBe(201);
  pipelineId = launched.body.pipelines[0]!.id;
}, 60_000);

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  agent.destroy();
  await server?.close();
});

describe("hostile request bodies", () => {
  it(`answers ${CASES.toLocaleString("en")} signed webhook deliveries with random and mutated payloads with 2xx/4xx`, async () => {
    const push = JSON.stringify(repoint(example("push"), REPOSITORY, "/nowhere"));
    const pull = JSON.stringify(repoint(example("pull_request", (p) => p.action === "opened"), REPOSITORY, "/nowhere", { fork: "someone/fork" }));
    const delivery = fc.record({
      event: fc.constantFrom("push", "pull_request", "ping", "create", "delete", "issues", "", "push\u0000", "x".repeat(300)),
      body: fc.oneof(mutatedText(push), mutatedText(pull), mutatedValue(push), mutatedValue(pull), randomJson),
      form: fc.boolean(),
    });
    const asText = delivery.map((d) => JSON.stringify(d));
    const statuses = await fuzzRoute(
      asText,
      CASES,
      (text) => {
        const d = JSON.parse(text) as { event: string; body: string; form: boolean };
        const body = d.form ? `payload=${encodeURIComponent(d.body)}` : d.body;
        return send("POST", "/api/webhooks/github", body, {
          "content-type": d.form ? "application/x-www-form-urlencoded" : "application/json",
          // Headers cannot carry control characters; the event name goes as the bytes it can.
          "x-github-event": d.event.replace(/[^\x20-\x7e]/g, "?"),
          "x-github-delivery": crypto.randomUUID(),
          "x-hub-signature-256": sign(secret, body),
        });
      },
      "webhook",
    );
    expect(total(statuses)).toBe(CASES);
    // The mutations keep many payloads well-formed: some were parsed through to the event mapping.
    expect((statuses.get(200) ?? 0) + (statuses.get(202) ?? 0)).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
  }, 300_000);

  it(`maps ${CASES.toLocaleString("en")} mutated payloads of every event GitHub sends without throwing`, () => {
    const events = ["push", "pull_request", "create", "delete", "ping", "release", "issues"];
    const samples = events.map((event) => ({ event, text: JSON.stringify(example(event)) }));
    let slowest = 0;
    fc.assert(
      fc.property(fc.constantFrom(...samples).chain((s) => fc.tuple(fc.constant(s.event), fc.oneof(mutatedText(s.text), mutatedValue(s.text), randomJson))), ([event, text]) => {
        const started = performance.now();
        let payload: unknown;
        try {
          payload = parsePayload(Buffer.from(text), "application/json");
        } catch (error) {
          expect((error as Error).message.length).toBeGreaterThan(0);
          return;
        }
        repositoryNameOf(payload);
        actionOf(payload);
        const plan = mapGithubEvent(event, payload);
        expect(["ping", "ignore", "launch"]).toContain(plan.kind);
        slowest = Math.max(slowest, performance.now() - started);
      }),
      { numRuns: CASES, seed: 20261128 },
    );
    expect(slowest).toBeLessThan(1_000);
  });

  const auth = () => ({ authorization: `Bearer ${server.token}`, "content-type": "application/json" });
  const routes: { name: string; method: "POST" | "PATCH"; path: () => string; valid: string }[] = [
    {
      name: "launch",
      method: "POST",
      path: () => "/api/pipelines",
      valid: JSON.stringify({ kind: "pipeline", pipeline: { type: "serial", name: "s", children: [{ type: "exec", name: "a", command: "true" }] } }),
    },
    { name: "node action", method: "POST", path: () => `/api/pipelines/${pipelineId}/actions`, valid: JSON.stringify({ action: "modify", path: "/", command: "true", env: { A: "1" } }) },
    {
      name: "repository create",
      method: "POST",
      path: () => "/api/repositories",
      valid: JSON.stringify({ name: "o/r", cloneUrl: "/tmp/none", defaultBranch: "main", events: ["push", "pr"], apiBaseUrl: "http://127.0.0.1:9/api" }),
    },
    { name: "repository update", method: "PATCH", path: () => `/api/repositories/${repositoryId}`, valid: JSON.stringify({ defaultBranch: "dev", events: ["cron"] }) },
  ];
  for (const route of routes) {
    it(`answers ${CASES.toLocaleString("en")} random and mutated ${route.name} bodies with 2xx/4xx and an ApiError`, async () => {
      const statuses = await fuzzRoute(fc.oneof(mutatedText(route.valid), mutatedValue(route.valid), randomJson), CASES, (body) => send(route.method, route.path(), body, auth()), route.name);
      expect(total(statuses)).toBe(CASES);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 10);
      // Hostile values inside well-formed documents reach the schema and the handler: some pass it.
      expect([...statuses].filter(([status]) => status < 300).reduce((n, [, count]) => n + count, 0)).toBeGreaterThan(0);
      const health = await server.api<{ ok: boolean }>("GET", "/api/health");
      expect(health.body).toEqual({ ok: true });
    }, 300_000);
  }

  it("saw no unhandled rejection while fuzzing", () => {
    expect(unhandled).toEqual([]);
  });
});
