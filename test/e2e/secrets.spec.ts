import crypto from "node:crypto";
import fs from "node:fs";
import type { DeliveryView, RepositoryWithSecret } from "../../shared/api/repositories";
import { signBody } from "../../server/integrations/github/webhook-signature";
import { waitFor } from "../fixtures/engine-harness";
import { git, makeRepo } from "../fixtures/temp-git-repo";
import { example, repoint } from "../fixtures/webhook-deliveries";
import { expect, test } from "./fixtures";

const repos: string[] = [];
test.afterAll(() => {
  for (const dir of repos) fs.rmSync(dir, { recursive: true, force: true });
});

test("secrets are set on the settings pages, listed by name only, and never come back to the browser", async ({ signedIn: page, baton }) => {
  const globalValue = `e2e-global-${crypto.randomBytes(6).toString("hex")}`;
  const repoValue = `e2e-repo-${crypto.randomBytes(6).toString("hex")}`;
  // Everything the API answers the browser, to check that no value is ever in it.
  const answers: Promise<string>[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/api/")) answers.push(response.text().catch(() => ""));
  });

  await page.getByRole("link", { name: "Settings" }).first().click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page.getByTestId("settings-secrets-page")).toBeVisible();
  await expect(page.getByTestId("no-secrets")).toBeVisible();

  await page.getByTestId("secret-name-input").fill("DEPLOY_TOKEN");
  await page.getByTestId("secret-value-input").fill(globalValue);
  await page.getByTestId("save-secret-button").click();
  await expect(page.getByTestId("secret-saved")).toHaveText("DEPLOY_TOKEN saved.");
  const row = page.locator('[data-testid=secret-row][data-name="DEPLOY_TOKEN"]');
  await expect(row).toContainText("by admin");
  // The write-only field is emptied and the value is nowhere on the page.
  await expect(page.getByTestId("secret-value-input")).toHaveValue("");
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(globalValue);

  // A bad name is refused before it is sent.
  await page.getByTestId("secret-name-input").fill("BATON_X");
  await page.getByTestId("secret-value-input").fill("long enough");
  await page.getByTestId("save-secret-button").click();
  await expect(page.getByText("Baton's own variables")).toBeVisible();

  // A repository's own secrets, on its page.
  const dir = makeRepo({ "README.md": "x\n" }, { prefix: "baton-e2e-secrets-" });
  repos.push(dir);
  const created = await baton.api<RepositoryWithSecret>("POST", "/api/repositories", { name: `e2e/secrets-${Date.now().toString(36)}`, cloneUrl: dir, defaultBranch: "main" });
  expect(created.status).toBe(201);
  await page.goto(`${baton.url}/settings/repositories/${created.body.id}`);
  const section = page.getByTestId("repository-secrets-section");
  await expect(section.getByTestId("no-secrets")).toBeVisible();
  await section.getByTestId("secret-name-input").fill("REPO_KEY");
  await section.getByTestId("secret-value-input").fill(repoValue);
  await section.getByTestId("save-secret-button").click();
  const repoRow = section.locator('[data-testid=secret-row][data-name="REPO_KEY"]');
  await expect(repoRow).toBeVisible();
  const listed = await baton.api<{ secrets: { name: string }[] }>("GET", `/api/repositories/${created.body.id}/secrets`);
  expect(listed.body.secrets.map((s) => s.name)).toEqual(["REPO_KEY"]);

  await repoRow.getByTestId("delete-secret-button").click();
  await page.getByRole("button", { name: "Delete secret" }).click();
  await expect(section.getByTestId("no-secrets")).toBeVisible();
  expect((await baton.api<{ secrets: unknown[] }>("GET", `/api/repositories/${created.body.id}/secrets`)).body.secrets).toEqual([]);

  const seen = await Promise.all(answers);
  expect(seen.length).toBeGreaterThan(3);
  for (const text of seen) {
    expect(text).not.toContain(globalValue);
    expect(text).not.toContain(repoValue);
  }
});

test("a pull request from a fork runs without secrets, and its pipeline page says so", async ({ signedIn: page, baton, pipelinePage }) => {
  const dir = makeRepo({ ".conducto.cfg": "[pr]\ncommand = cat p.json\n", "p.json": JSON.stringify({ type: "exec", name: "check", command: "echo ${TOKEN:-no token}" }) }, { prefix: "baton-e2e-fork-" });
  repos.push(dir);
  const sha = git(dir, "rev-parse", "HEAD");
  const name = `e2e/fork-${Date.now().toString(36)}`;
  const created = await baton.api<RepositoryWithSecret>("POST", "/api/repositories", { name, cloneUrl: dir, defaultBranch: "main" });
  expect(created.status).toBe(201);
  expect((await baton.api("PUT", "/api/secrets/TOKEN", { value: "e2e-token-value" })).status).toBe(200);

  // GitHub's own example of a pull request, its head in another repository, signed as GitHub signs it.
  const payload = repoint(example("pull_request", (p) => p.action === "opened"), name, dir, { fork: "mallory/fork" });
  payload.pull_request.head.sha = sha;
  const body = Buffer.from(JSON.stringify(payload));
  const answer = await fetch(`${baton.url}/api/webhooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": `e2e-fork-${name}`, "x-hub-signature-256": signBody(created.body.webhookSecret, body) },
    body,
  });
  expect(answer.status).toBe(202);
  const { delivery } = (await answer.json()) as { delivery: number };
  const processed = await waitFor(
    async () => {
      const view = (await baton.api<DeliveryView>("GET", `/api/deliveries/${delivery}`)).body;
      return view.result === "accepted" ? null : view;
    },
    20_000,
    "the delivery to be processed",
  );
  expect(processed.result, processed.reason ?? "").toBe("launched");

  await pipelinePage.open(processed.pipelines[0]!.id);
  await pipelinePage.expectState("/Execute/check", "done");
  await expect(page.getByTestId("secrets-withheld")).toHaveText("secrets withheld");
  await expect(page.getByText(/from fork mallory\/fork/)).toBeVisible();
});
