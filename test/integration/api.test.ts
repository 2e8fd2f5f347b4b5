import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { ApiError, LaunchResult } from "../../shared/api/api-contract";
import type { LogPage, PipelineDetail, PipelineSummary } from "../../shared/api/pipeline-views";
import type { ClientToServerEvents, NodeDeltaBatch, ServerToClientEvents } from "../../shared/api/socket-events";
import { nodeAt, waitFor } from "../fixtures/engine-harness";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

async function launch(pipeline: unknown): Promise<string> {
  const response = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "pipeline", pipeline });
  expect(response.status).toBe(201);
  return response.body.pipelines[0]!.id;
}

async function finished(id: string): Promise<PipelineDetail> {
  return waitFor(async () => {
    const { body } = await server.api<PipelineDetail>("GET", `/api/pipelines/${id}`);
    return body.endedAt !== null ? body : null;
  }, 20_000, `pipeline ${id} to end`);
}

describe("the JSON API", () => {
  it("answers health without credentials and nothing else", async () => {
    const health = await server.api("GET", "/api/health", undefined, {});
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
    for (const [method, route] of [["GET", "/api/pipelines"], ["GET", "/api/pipelines/x"], ["POST", "/api/pipelines/x/actions"], ["GET", "/api/session"], ["POST", "/api/examples/hello"]] as const) {
      const response = await server.api<ApiError>(method, route, method === "POST" ? {} : undefined, {});
      expect(response.status, `${method} ${route}`).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
    }
    const wrong = await server.api("GET", "/api/pipelines", undefined, { authorization: "Bearer not-the-token" });
    expect(wrong.status).toBe(401);
  });

  it("refuses every route of the route table without credentials, but health, sign-in and the signed webhook", async () => {
    // Sign-in checks the token it is given; the webhook checks its signature instead (never a 2xx unsigned).
    const open = new Set(["GET /api/health", "POST /api/session", "POST /api/webhooks/github"]);
    const routes = server.app.routes;
    expect(routes.length).toBeGreaterThan(15);
    expect(routes).toContain("POST /api/pipelines/:id/actions");
    for (const route of ["POST /api/session", "POST /api/webhooks/github"]) {
      const response = await server.api<ApiError>("POST", route.split(" ")[1]!, {}, {});
      expect(response.status, route).toBeGreaterThanOrEqual(400);
    }
    for (const route of routes) {
      if (open.has(route)) continue;
      const [method, template] = route.split(" ") as [string, string];
      const url = template.replace(/:[a-zA-Z]+/g, "x");
      const response = await server.api<ApiError>(method, url, method === "GET" || method === "DELETE" ? undefined : {}, {});
      expect(response.status, route).toBe(401);
    }
  });

  it("exchanges a user name and password for an httpOnly SameSite session cookie that authenticates the browser", async () => {
    const signIn = await server.api("POST", "/api/session", { name: "admin", password: server.password }, {});
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const me = await server.api("GET", "/api/session", undefined, { cookie: cookie.split(";")[0]! });
    expect(me).toMatchObject({ status: 200, body: { user: { name: "admin", role: "admin" } } });
  });

  it("gives the whole tree with each node's path, type, state and skipped, and lists pipelines newest first", async () => {
    const first = await launch({ type: "serial", name: "r", children: [{ type: "exec", name: "a", command: "echo one" }] });
    const second = await launch({ type: "parallel", name: "r", children: [{ type: "exec", name: "b", command: "true", skip: true }] });
    const detail = await finished(second);
    expect(detail.root).toMatchObject({ path: "/", type: "parallel", state: "done", skipped: false });
    expect(nodeAt(detail, "/b")).toMatchObject({ type: "exec", state: "pending", skipped: true });
    const list = await server.api<{ pipelines: PipelineSummary[] }>("GET", "/api/pipelines");
    const ids = list.body.pipelines.map((p) => p.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    const filtered = await server.api<{ pipelines: PipelineSummary[] }>("GET", "/api/pipelines?state=error");
    expect(filtered.body.pipelines.every((p) => p.state === "error")).toBe(true);
  });

  it("rejects bad input with a 4xx and a message, and keeps serving", async () => {
    const id = await launch({ type: "serial", name: "r", children: [{ type: "exec", name: "a", command: "echo done" }] });
    await finished(id);
    const malformed = await server.api<ApiError>("POST", `/api/pipelines/${id}/actions`, { action: "explode", path: "/a" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/invalid action/);
    const notJson = await server.api<ApiError>("POST", `/api/pipelines/${id}/actions`, "{not json");
    expect(notJson.status).toBe(400);
    const unknownPath = await server.api<ApiError>("POST", `/api/pipelines/${id}/actions`, { action: "rerun", path: "/nope" });
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.body.error.message).toMatch(/no node \/nope/);
    const killDone = await server.api<ApiError>("POST", `/api/pipelines/${id}/actions`, { action: "kill", path: "/a" });
    expect(killDone.status).toBe(409);
    expect(killDone.body.error.message).toMatch(/cannot kill \/a: it is done/);
    const unknownPipeline = await server.api<ApiError>("GET", "/api/pipelines/nope");
    expect(unknownPipeline.status).toBe(404);
    const badTree = await server.api<ApiError>("POST", "/api/pipelines", { kind: "pipeline", pipeline: { type: "serial", name: "r", children: [{ type: "exec", name: "a/b", command: "x" }] } });
    expect(badTree.status).toBe(400);
    expect(badTree.body.error.message).toMatch(/cannot contain '\/'/);
    expect((await server.api("GET", "/api/health")).status).toBe(200);
  });

  it("serves a log in pages and whole for download", async () => {
    const id = await launch({ type: "serial", name: "r", children: [{ type: "exec", name: "count", command: "seq 1 1000; echo oops >&2" }] });
    await finished(id);
    const page = await server.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/count&from=500&limit=3`);
    expect(page.body.lines.map((l) => l.text)).toEqual(["501", "502", "503"]);
    expect(page.body.total).toBe(1001);
    expect(page.body.complete).toBe(true);
    const last = await server.api<LogPage>("GET", `/api/pipelines/${id}/logs?path=/count&from=1000`);
    expect(last.body.lines).toEqual([expect.objectContaining({ n: 1000, stream: "stderr", text: "oops" })]);
    const download = await server.api<string>("GET", `/api/pipelines/${id}/logs/download?path=/count`);
    expect(download.headers.get("content-disposition")).toMatch(/attachment/);
    expect(download.body.split("\n").filter(Boolean)).toHaveLength(1001);
  });
});

describe("the live socket", () => {
  function connect(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
    return new Promise((resolve, reject) => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { auth: { token: server.token }, transports: ["websocket"] });
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", reject);
    });
  }

  it("refuses a connection without credentials", async () => {
    const error = await new Promise<Error>((resolve) => {
      const socket = io(server.url, { transports: ["websocket"], reconnection: false });
      socket.once("connect_error", (e) => {
        socket.close();
        resolve(e);
      });
    });
    expect(error.message).toBe("unauthorized");
  });

  it("sends an action's effect to every viewer of the pipeline within 500 ms", async () => {
    const id = await launch({ type: "serial", name: "r", children: [{ type: "exec", name: "slow", command: "sleep 30" }] });
    await waitFor(async () => nodeAt((await server.api<PipelineDetail>("GET", `/api/pipelines/${id}`)).body, "/slow").state === "running", 10_000, "slow to run");
    const viewers = await Promise.all([connect(), connect()]);
    const seen = viewers.map(
      (socket) =>
        new Promise<number>((resolve) => {
          socket.on("pipeline:nodes", (batch: NodeDeltaBatch) => {
            if (batch.changes.some((c) => c.path === "/slow" && c.state === "killed")) resolve(Date.now());
          });
        }),
    );
    for (const socket of viewers) socket.emit("pipeline:subscribe", id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const acted = Date.now();
    const kill = await server.api("POST", `/api/pipelines/${id}/actions`, { action: "kill", path: "/slow" });
    expect(kill.status).toBe(200);
    const times = await Promise.all(seen);
    for (const t of times) expect(t - acted).toBeLessThan(500);
    for (const socket of viewers) socket.close();
  });

  it("streams a running node's log lines to the viewers of that log", async () => {
    const id = await launch({ type: "serial", name: "r", children: [{ type: "exec", name: "talk", command: "sleep 0.5; for i in 1 2 3; do echo line-$i; sleep 0.1; done" }] });
    await waitFor(async () => nodeAt((await server.api<PipelineDetail>("GET", `/api/pipelines/${id}`)).body, "/talk").state === "running", 10_000, "talk to run");
    const socket = await connect();
    const lines: string[] = [];
    socket.on("log:lines", (event) => lines.push(...event.lines.map((l) => l.text)));
    socket.emit("log:subscribe", { pipelineId: id, path: "/talk", attempt: 1 });
    await finished(id);
    await waitFor(() => lines.length >= 3, 2000, "the lines");
    expect(lines).toEqual(["line-1", "line-2", "line-3"]);
    socket.close();
  });
});
