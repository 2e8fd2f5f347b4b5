import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import type { ApiError, LaunchResult, Role, SessionInfo, TokenCreated, TokenView, UserView } from "../../shared/api/api-contract";
import type { PipelineDetail } from "../../shared/api/pipeline-views";
import { waitFor } from "../fixtures/engine-harness";
import { startServer } from "../fixtures/baton-server";
import { startInProcess, type InProcessServer } from "../fixtures/in-process-server";
import { runCli } from "../fixtures/run-cli";
import { makeRepo, tempDir } from "../fixtures/temp-git-repo";

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => {
  await server.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function makeToken(role: Role, name = `${role} token`): Promise<TokenCreated> {
  const made = await server.api<TokenCreated>("POST", "/api/tokens", { name, role });
  expect(made.status).toBe(201);
  return made.body;
}

async function makeUser(name: string, role: Role, password = `${name}-password-1`): Promise<UserView> {
  const made = await server.api<UserView>("POST", "/api/users", { name, password, role });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body;
}

/** Signs in with a password; returns the `name=value` of the session cookie. */
async function signIn(name: string, password: string, target: InProcessServer = server, headers: Record<string, string> = {}): Promise<string> {
  const response = await target.api<SessionInfo>("POST", "/api/session", { name, password }, headers);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

async function launchSleeper(headers: Record<string, string> = bearer(server.token)): Promise<string> {
  const launched = await server.api<LaunchResult>("POST", "/api/pipelines", { kind: "pipeline", pipeline: { type: "serial", name: "r", children: [{ type: "exec", name: "a", command: "true" }, { type: "exec", name: "b", command: "exit 3" }] } }, headers);
  expect(launched.status, JSON.stringify(launched.body)).toBe(201);
  const id = launched.body.pipelines[0]!.id;
  await waitFor(async () => ((await server.api<PipelineDetail>("GET", `/api/pipelines/${id}`)).body.endedAt !== null ? true : null), 20_000, "the pipeline to end");
  return id;
}

describe("roles", () => {
  it("lets a viewer token read pipelines and logs but refuses launching, every node action and the settings (403)", async () => {
    const { secret } = await makeToken("viewer");
    const id = await launchSleeper();
    const viewer = bearer(secret);
    expect((await server.api("GET", "/api/pipelines", undefined, viewer)).status).toBe(200);
    expect((await server.api("GET", `/api/pipelines/${id}`, undefined, viewer)).status).toBe(200);
    expect((await server.api("GET", `/api/pipelines/${id}/logs?path=/b`, undefined, viewer)).status).toBe(200);
    expect((await server.api<SessionInfo>("GET", "/api/session", undefined, viewer)).body.user.role).toBe("viewer");

    const refused: [string, string, unknown?][] = [
      ["POST", "/api/pipelines", { kind: "pipeline", pipeline: { type: "exec", name: "x", command: "true" } }],
      ["POST", "/api/examples/hello", {}],
      ...(["rerun", "skip", "unskip", "kill"] as const).map((action): [string, string, unknown] => ["POST", `/api/pipelines/${id}/actions`, { action, path: "/b" }]),
      ["POST", `/api/pipelines/${id}/actions`, { action: "rerunFailed" }],
      ["POST", `/api/pipelines/${id}/actions`, { action: "modify", path: "/b", command: "true" }],
      ["GET", "/api/repositories"],
      ["POST", "/api/repositories", { name: "o/r", cloneUrl: "/tmp/x" }],
      ["GET", "/api/deliveries"],
      ["GET", "/api/users"],
      ["POST", "/api/users", { name: "eve", password: "eve-password", role: "admin" }],
      ["GET", "/api/tokens"],
      ["POST", "/api/tokens", { name: "mine", role: "admin" }],
      ["POST", "/api/hooks/local-git/tokens", { repo: "/tmp" }],
    ];
    for (const [method, route, body] of refused) {
      const response = await server.api<ApiError>(method, route, body, viewer);
      expect(response.status, `${method} ${route}`).toBe(403);
      expect(response.body.error.code).toBe("forbidden");
    }
    // Nothing happened: the failed node is still failed, nothing new was launched.
    const detail = (await server.api<PipelineDetail>("GET", `/api/pipelines/${id}`)).body;
    expect(detail.state).toBe("error");
  });

  it("lets an operator token launch and act on nodes but refuses users, tokens, repositories and secrets (403)", async () => {
    const { secret } = await makeToken("operator");
    const operator = bearer(secret);
    const id = await launchSleeper(operator);
    const rerun = await server.api("POST", `/api/pipelines/${id}/actions`, { action: "skip", path: "/b" }, operator);
    expect(rerun.status).toBe(200);
    const routes = server.app.routes;
    const refused: [string, string, unknown?][] = [
      ["GET", "/api/users"],
      ["POST", "/api/users", { name: "eve", password: "eve-password", role: "admin" }],
      ["PATCH", "/api/users/1", { role: "viewer" }],
      ["DELETE", "/api/users/1"],
      ["GET", "/api/tokens"],
      ["POST", "/api/tokens", { name: "mine", role: "admin" }],
      ["DELETE", "/api/tokens/1"],
      ["GET", "/api/repositories"],
      ["GET", "/api/deliveries"],
      // Every secrets route this build has (global and per repository).
      ...routes
        .filter((route) => /^\S+ \/api\/(secrets|repositories\/:id\/secrets)/.test(route))
        .map((route): [string, string, unknown] => {
          const [method, template] = route.split(" ") as [string, string];
          return [method, template.replace(/:[a-zA-Z]+/g, "X"), method === "GET" || method === "DELETE" ? undefined : { value: "y" }];
        }),
    ];
    expect(refused.length, "secrets routes are mounted").toBeGreaterThan(9);
    for (const [method, route, body] of refused) {
      const response = await server.api<ApiError>(method, route, body, operator);
      expect(response.status, `${method} ${route}`).toBe(403);
    }
  });

  it("lets a viewer watch over the socket", async () => {
    const { secret } = await makeToken("viewer", "socket viewer");
    const socket = io(server.url, { auth: { token: secret }, transports: ["websocket"], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
    } finally {
      socket.close();
    }
  });

  it("takes a role change effect on the user's next request", async () => {
    await makeUser("rita", "operator");
    const cookie = await signIn("rita", "rita-password-1");
    expect((await server.api<SessionInfo>("GET", "/api/session", undefined, { cookie })).body.user).toEqual({ name: "rita", role: "operator" });
    const rita = (await server.api<{ users: UserView[] }>("GET", "/api/users")).body.users.find((u) => u.name === "rita")!;
    expect((await server.api("PATCH", `/api/users/${rita.id}`, { role: "viewer" })).status).toBe(200);
    expect((await server.api<SessionInfo>("GET", "/api/session", undefined, { cookie })).body.user.role).toBe("viewer");
    expect((await server.api("POST", "/api/examples/hello", {}, { cookie })).status).toBe(403);
  });
});

describe("users", () => {
  it("signs users in by name and password, never with a wrong one, and keeps the last admin", async () => {
    const ann = await makeUser("ann", "admin", "ann-password-1");
    expect((await server.api("POST", "/api/users", { name: "ANN", password: "another-password", role: "viewer" })).status).toBe(409);
    expect((await server.api("POST", "/api/session", { name: "ann", password: "not-her-password" }, {})).status).toBe(401);
    expect((await server.api("POST", "/api/session", { name: "nobody", password: "whatever-password" }, {})).status).toBe(401);
    const cookie = await signIn("ann", "ann-password-1");
    expect((await server.api<SessionInfo>("GET", "/api/session", undefined, { cookie })).body.user).toEqual({ name: "ann", role: "admin" });

    const admin = (await server.api<{ users: UserView[] }>("GET", "/api/users")).body.users.find((u) => u.name === "admin")!;
    // Two admins: one may go; then the other is the last one.
    expect((await server.api("PATCH", `/api/users/${admin.id}`, { role: "viewer" })).status).toBe(200);
    const demote = await server.api<ApiError>("PATCH", `/api/users/${ann.id}`, { role: "operator" });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last admin/);
    expect((await server.api("DELETE", `/api/users/${ann.id}`)).status).toBe(409);
    expect((await server.api("DELETE", `/api/users/${ann.id}`, undefined, { cookie })).status).toBe(409);
    expect((await server.api("PATCH", `/api/users/${admin.id}`, { role: "admin" })).status).toBe(200);
    expect((await server.api("DELETE", `/api/users/${ann.id}`)).status).toBe(204);
    expect((await server.api("GET", "/api/session", undefined, { cookie })).status).toBe(401);
  });

  it("ends a user's sessions when an admin resets their password", async () => {
    const bob = await makeUser("bob", "viewer", "bob-password-1");
    const cookie = await signIn("bob", "bob-password-1");
    expect((await server.api("PATCH", `/api/users/${bob.id}`, { password: "bob-password-2" })).status).toBe(200);
    expect((await server.api("GET", "/api/session", undefined, { cookie })).status).toBe(401);
    await signIn("bob", "bob-password-2");
  });

  it("stores passwords as argon2id hashes", () => {
    const row = server.baton.db.prepare(`SELECT password_hash FROM users WHERE name = 'admin'`).get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
  });
});

describe("changing a password", () => {
  it("makes a session cookie from before the change answer 401, and the old password fail", async () => {
    await makeUser("cid", "operator", "cid-password-1");
    const before = await signIn("cid", "cid-password-1");
    const otherBrowser = await signIn("cid", "cid-password-1");
    const wrong = await server.api<ApiError>("PUT", "/api/session/password", { currentPassword: "not-it-at-all", newPassword: "cid-password-2" }, { cookie: before });
    expect(wrong.status).toBe(403);
    const change = await server.api("PUT", "/api/session/password", { currentPassword: "cid-password-1", newPassword: "cid-password-2" }, { cookie: before });
    expect(change.status).toBe(204);
    const after = change.headers.get("set-cookie")!.split(";")[0]!;
    expect((await server.api("GET", "/api/session", undefined, { cookie: before })).status).toBe(401);
    expect((await server.api("GET", "/api/session", undefined, { cookie: otherBrowser })).status).toBe(401);
    expect((await server.api("GET", "/api/session", undefined, { cookie: after })).status).toBe(200);
    expect((await server.api("POST", "/api/session", { name: "cid", password: "cid-password-1" }, {})).status).toBe(401);
    await signIn("cid", "cid-password-2");
  });

  it("signs out: the cookie stops working", async () => {
    const cookie = await signIn("admin", server.password);
    expect((await server.api("DELETE", "/api/session", undefined, { cookie })).status).toBe(204);
    expect((await server.api("GET", "/api/session", undefined, { cookie })).status).toBe(401);
  });
});

describe("cross-site requests", () => {
  it("refuses a cookie-authenticated POST from another site (403) and accepts the same one from the dashboard's origin", async () => {
    const cookie = await signIn("admin", server.password);
    const body = { kind: "pipeline", pipeline: { type: "exec", name: "x", command: "true" } };
    const fromEvil = await server.api<ApiError>("POST", "/api/pipelines", body, { cookie, origin: "https://evil.example" });
    expect(fromEvil.status).toBe(403);
    expect(fromEvil.body.error.code).toBe("cross_site_request");
    const crossSite = await server.api<ApiError>("POST", "/api/pipelines", body, { cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const sameSite = await server.api<ApiError>("DELETE", "/api/session", undefined, { cookie, "sec-fetch-site": "same-site" });
    expect(sameSite.status).toBe(403);
    expect((await server.api("GET", "/api/session", undefined, { cookie })).status).toBe(200);

    const sameOrigin = await server.api<LaunchResult>("POST", "/api/pipelines", body, { cookie, origin: server.url, "sec-fetch-site": "same-origin" });
    expect(sameOrigin.status).toBe(201);
    const originOnly = await server.api<LaunchResult>("POST", "/api/pipelines", body, { cookie, origin: server.url });
    expect(originOnly.status).toBe(201);
    // A Bearer token is not sent by a browser on its own: not cookie-based, not refused.
    const withToken = await server.api<LaunchResult>("POST", "/api/pipelines", body, { ...bearer(server.token), origin: "https://evil.example" });
    expect(withToken.status).toBe(201);
  });

  it("refuses a cross-site sign-in form post", async () => {
    const response = await server.api("POST", "/api/session", { name: "admin", password: server.password }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(response.status).toBe(403);
  });
});

describe("API tokens", () => {
  it("are stored hashed: the database files never hold a token's clear text; revoked, it answers 401", async () => {
    const { secret, token } = await makeToken("operator", "deploy bot");
    expect(secret).toMatch(/^bat_[A-Za-z0-9_-]{40,}$/);
    expect((await server.api("GET", "/api/pipelines", undefined, bearer(secret))).status).toBe(200);
    const listed = (await server.api<{ tokens: TokenView[] }>("GET", "/api/tokens")).body.tokens.find((t) => t.id === token.id)!;
    expect(listed).toMatchObject({ name: "deploy bot", role: "operator", createdBy: "admin" });
    expect(listed.lastUsedAt).toBeGreaterThan(0);
    expect(JSON.stringify(listed)).not.toContain(secret);
    server.baton.db.pragma("wal_checkpoint(PASSIVE)");
    const dir = server.baton.config.dataDir;
    const files = fs.readdirSync(dir).filter((name) => name.startsWith("baton.sqlite"));
    expect(files).toContain("baton.sqlite");
    for (const name of files) {
      const bytes = fs.readFileSync(path.join(dir, name));
      expect(bytes.includes(secret), name).toBe(false);
      expect(bytes.includes(secret.slice(4)), name).toBe(false);
      expect(bytes.includes(server.token), name).toBe(false);
    }
    expect((await server.api("DELETE", `/api/tokens/${token.id}`)).status).toBe(204);
    expect((await server.api("GET", "/api/pipelines", undefined, bearer(secret))).status).toBe(401);
    expect((await server.api<{ tokens: TokenView[] }>("GET", "/api/tokens")).body.tokens.some((t) => t.id === token.id)).toBe(false);
  });

  it("keep BATON_ADMIN_TOKEN listed but not revocable through the API", async () => {
    const env = (await server.api<{ tokens: TokenView[] }>("GET", "/api/tokens")).body.tokens.find((t) => t.fromEnvironment)!;
    expect(env).toMatchObject({ name: "BATON_ADMIN_TOKEN", role: "admin" });
    expect((await server.api("DELETE", `/api/tokens/${env.id}`)).status).toBe(409);
    expect((await server.api("GET", "/api/pipelines")).status).toBe(200);
  });
});

describe("the command line's --server mode", () => {
  it("sends BATON_TOKEN: an operator token runs the pipeline, a viewer token is refused with the server's reason, none is 401", async () => {
    const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = echo '{\"type\":\"exec\",\"name\":\"hi\",\"command\":\"echo hi\"}'\n" });
    const args = [".conducto.cfg", "push", "--branch=main", "--server", server.url];
    const operator = await makeToken("operator", "cli operator");
    const ran = await runCli(args, { cwd: repo, env: { BATON_TOKEN: operator.secret } });
    expect(ran.status, ran.stderr).toBe(0);
    const viewer = await makeToken("viewer", "cli viewer");
    const refused = await runCli(args, { cwd: repo, env: { BATON_TOKEN: viewer.secret } });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/\(403\).*needs the admin or operator role; you are viewer/);
    const anonymous = await runCli(args, { cwd: repo });
    expect(anonymous.stderr).toMatch(/\(401\)/);
  });
});

describe("the sign-in throttle", () => {
  let fresh: InProcessServer;
  beforeAll(async () => {
    fresh = await startInProcess();
  });
  afterAll(async () => {
    await fresh.close();
  });

  it("refuses the 21st attempt from an address after 20 wrong passwords in a minute, the right password included (429 + Retry-After)", async () => {
    const from = { "x-forwarded-for": "203.0.113.7" };
    for (let i = 0; i < 20; i++) {
      const wrong = await fresh.api("POST", "/api/session", { name: "admin", password: `wrong-${i}` }, from);
      expect(wrong.status, `attempt ${i + 1}`).toBe(401);
    }
    const right = await fresh.api<ApiError>("POST", "/api/session", { name: "admin", password: fresh.password }, from);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe("too_many_attempts");
    const retryAfter = Number(right.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another name from the same address is throttled too; the same name from elsewhere as well.
    expect((await fresh.api("POST", "/api/session", { name: "someone", password: "x" }, from)).status).toBe(429);
    expect((await fresh.api("POST", "/api/session", { name: "admin", password: fresh.password }, { "x-forwarded-for": "198.51.100.1" })).status).toBe(429);
    // A name nobody guessed at, from an address that did nothing wrong, signs in.
    await fresh.api("POST", "/api/users", { name: "dora", password: "dora-password-1", role: "viewer" });
    await signIn("dora", "dora-password-1", fresh, { "x-forwarded-for": "198.51.100.1" });
  });

  it("throttles one user name guessed at from many addresses", async () => {
    await fresh.api("POST", "/api/users", { name: "erin", password: "erin-password-1", role: "viewer" });
    for (let i = 0; i < 20; i++) {
      expect((await fresh.api("POST", "/api/session", { name: "erin", password: "nope" }, { "x-forwarded-for": `192.0.2.${i + 1}` })).status).toBe(401);
    }
    expect((await fresh.api("POST", "/api/session", { name: "erin", password: "erin-password-1" }, { "x-forwarded-for": "192.0.2.200" })).status).toBe(429);
  });
});

describe("the first start", () => {
  it("creates the admin user with a random password printed once, and turns a former admin-token file into a hashed token", async () => {
    const dataDir = tempDir("baton-first-start-");
    const legacy = "legacy-admin-token-from-the-file-0123";
    fs.writeFileSync(path.join(dataDir, "admin-token"), `${legacy}\n`);
    const started = await startServer({ dataDir, env: { BATON_ADMIN_PASSWORD: "" } });
    try {
      const password = started.output().match(/its password, shown this once: (\S+)/)?.[1];
      expect(password).toBeTruthy();
      const response = await fetch(`${started.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "admin", password }) });
      expect(response.status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, "admin-token"))).toBe(false);
      const withLegacy = await fetch(`${started.url}/api/tokens`, { headers: bearer(legacy) });
      expect(withLegacy.status).toBe(200);
      const { tokens } = (await withLegacy.json()) as { tokens: TokenView[] };
      expect(tokens.map((t) => t.name)).toContain("admin-token file (imported)");
    } finally {
      await started.stop();
    }
    // A second start prints no password: the admin exists.
    const again = await startServer({ dataDir, env: { BATON_ADMIN_PASSWORD: "" } });
    try {
      expect(again.output()).not.toMatch(/shown this once/);
      for (const name of fs.readdirSync(dataDir).filter((n) => n.startsWith("baton.sqlite"))) {
        expect(fs.readFileSync(path.join(dataDir, name)).includes(legacy)).toBe(false);
      }
    } finally {
      await again.stop();
    }
  });
});
