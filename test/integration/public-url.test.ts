import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { RepositoryWithSecret } from "../../shared/api/repositories";
import { startServer, type BatonServer } from "../fixtures/baton-server";
import { makeRepo } from "../fixtures/temp-git-repo";

/** The links Baton hands out (what to paste into GitHub, links in commit statuses and deliveries). */
const servers: BatonServer[] = [];
const repos: string[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of repos.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function webhookUrlOf(server: BatonServer): Promise<string> {
  const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = echo {}\n" }, { prefix: "baton-public-url-" });
  repos.push(repo);
  const created = await server.api<RepositoryWithSecret>("POST", "/api/repositories", { name: "acme/public-url", cloneUrl: repo, events: ["push"] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.webhookUrl;
}

describe("the server's public URL", () => {
  it("names the port the server got when started on PORT=0", async () => {
    const server = await startServer();
    servers.push(server);
    const port = new URL(server.url).port;
    expect(port).toMatch(/^[1-9]\d*$/);
    expect(await webhookUrlOf(server)).toBe(`http://localhost:${port}/api/webhooks/github`);
  });

  it("is BATON_PUBLIC_URL when set, whatever the port", async () => {
    const server = await startServer({ env: { BATON_PUBLIC_URL: "https://ci.example.test/" } });
    servers.push(server);
    expect(await webhookUrlOf(server)).toBe("https://ci.example.test/api/webhooks/github");
  });
});
