import fs from "node:fs";
import type { PipelineDetail } from "../../shared/api/pipeline-views";
import type { RepositoryView, RepositoryWithSecret } from "../../shared/api/repositories";
import { signBody } from "../../server/integrations/github/webhook-signature";
import { makeRepo } from "../fixtures/temp-git-repo";
import { expect, test } from "./fixtures";
import { SettingsPage } from "./pages/settings-page";

/** What the [push] section prints: a two-step pipeline. */
const PIPELINE = JSON.stringify({
  type: "serial",
  name: "ci",
  children: [
    { type: "exec", name: "build", command: "echo building" },
    { type: "exec", name: "test", command: "echo testing" },
  ],
});

const repos: string[] = [];
test.afterAll(() => {
  for (const dir of repos) fs.rmSync(dir, { recursive: true, force: true });
});

test("acceptance 7: a repository added on the settings page, a test delivery, and the pipeline it launched reached from the deliveries list", async ({
  signedIn: page,
  baton,
  pipelinePage,
}) => {
  // A real git repository on this machine stands in for GitHub's: its local path is the clone URL.
  const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": PIPELINE }, { prefix: "baton-e2e-settings-" });
  repos.push(repo);
  const name = `e2e/settings-${Date.now().toString(36)}`;
  const settings = new SettingsPage(page, baton);

  await settings.openRepositories();
  const { secret } = await settings.addRepository({ name, cloneUrl: repo, defaultBranch: "main" });

  // The webhook to paste into GitHub, and its secret, shown this once.
  expect(secret.length).toBeGreaterThanOrEqual(20);
  await expect(settings.webhookUrl).toHaveText(`${baton.url}/api/webhooks/github`);
  await expect(page.getByTestId("webhook-content-type")).toHaveText("application/json");
  await expect(page.getByTestId("secret-shown-once")).toContainText("Shown once");
  const row = settings.repositoryRow(name);
  await expect(row).toContainText(repo);
  await expect(row.getByTestId("repository-statuses")).toHaveAttribute("data-enabled", "false");
  await expect(row.getByTestId("repository-statuses")).toContainText("no token");

  // The secret shown is the one the server checks deliveries against.
  const ping = Buffer.from(JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, repository: { full_name: name } }));
  const signed = await fetch(`${baton.url}/api/webhooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": `e2e-ping-${name}`, "x-hub-signature-256": signBody(secret, ping) },
    body: ping,
  });
  expect(signed.status, await signed.text()).toBeLessThan(300);

  // On the repository's own page the secret is not shown again.
  await settings.openRepository(name);
  await expect(settings.webhookSecret).toHaveCount(0);
  await expect(page.getByTestId("env-isolation")).toContainText("pr-42");

  await settings.sendTestDelivery();
  await expect(settings.testDeliveryResult).toHaveAttribute("data-ok", "true");
  const deliveryId = await settings.testDeliveryResult.getAttribute("data-delivery");
  expect(deliveryId).toMatch(/^[0-9]+$/);

  // The deliveries list refreshes itself until the delivery has launched its pipeline.
  const delivery = await settings.expectDeliveryResult(deliveryId!, "launched");
  await expect(delivery).toContainText("push");
  const link = delivery.getByTestId("delivery-pipeline-link");
  await expect(link).toHaveCount(1);
  const pipelineId = await link.getAttribute("data-pipeline-id");
  await link.click();

  await expect(page).toHaveURL(new RegExp(`/pipelines/${pipelineId}$`));
  await expect(page.getByTestId("pipeline-graph")).toBeVisible();
  // A cfg launch: /Generate runs the section's command, /Execute is the pipeline it printed.
  await pipelinePage.expectState("/Generate", "done");
  await pipelinePage.expectState("/Execute/build", "done");
  await pipelinePage.expectState("/Execute/test", "done");
  await expect(pipelinePage.headerState()).toHaveAttribute("data-state", "done");
});

test("a repository's settings: edited with a write-only token, redelivered, its secret rotated (the old one refused), then deleted", async ({ signedIn: page, baton }) => {
  const repo = makeRepo({ ".conducto.cfg": "[push]\ncommand = cat p.json\n", "p.json": PIPELINE }, { prefix: "baton-e2e-settings-" });
  repos.push(repo);
  const name = `e2e/edit-${Date.now().toString(36)}`;
  const created = await baton.api<RepositoryWithSecret>("POST", "/api/repositories", { name, cloneUrl: repo, events: ["push", "pr", "pr-close"] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id, webhookSecret: firstSecret } = created.body;
  const settings = new SettingsPage(page, baton);
  await settings.openRepositoryAt(id);

  // A name the shared schema refuses is caught before anything is sent.
  await settings.edit({ name: "not a repository" });
  await expect(settings.editForm.getByRole("alert")).toContainText("Name: must be owner/repo");
  await settings.editForm.getByRole("button", { name: "Cancel" }).click();

  // A token is written, never shown; statuses follow it.
  await settings.edit({ accessToken: "tok-e2e-0123" });
  await expect(page.getByTestId("repository-token")).toHaveText("set (write-only)");
  await expect(page.getByTestId("repository-settings").getByTestId("repository-statuses")).toHaveAttribute("data-enabled", "true");
  const withToken = await baton.api<RepositoryView>("GET", `/api/repositories/${id}`);
  expect(withToken.body).toMatchObject({ hasToken: true, cloneUrl: repo, events: ["push", "pr", "pr-close"] });
  expect(JSON.stringify(withToken.body)).not.toContain("tok-e2e-0123");
  await settings.edit({ clearToken: true });
  await expect(page.getByTestId("repository-token")).toHaveText("none");
  await expect(page.getByTestId("repository-settings").getByTestId("repository-statuses")).toContainText("disabled (no token)");

  // A test delivery, then the same delivery processed again from the list.
  await settings.sendTestDelivery();
  const deliveryId = await settings.testDeliveryResult.getAttribute("data-delivery");
  const original = await settings.expectDeliveryResult(deliveryId!, "launched");
  // duplicate = SUPPRESS_NEW (the default) refuses a second pipeline for the branch while the first runs.
  const firstPipeline = await original.getByTestId("delivery-pipeline-link").getAttribute("data-pipeline-id");
  await expect
    .poll(async () => (await baton.api<PipelineDetail>("GET", `/api/pipelines/${firstPipeline}`)).body.state, { timeout: 30_000 })
    .toBe("done");
  await original.getByTestId("redeliver-button").click();
  await expect(page.getByTestId("redeliver-result")).toContainText("Redelivered as #");
  const redelivery = settings.deliveries.filter({ hasText: `redelivery of #${deliveryId}` });
  await expect(redelivery).toHaveAttribute("data-result", "launched", { timeout: 30_000 });
  await expect(redelivery.getByTestId("delivery-pipeline-link")).toHaveCount(1);

  // Rotation shows the new secret once; a delivery signed with the old one is refused and logged.
  await page.getByTestId("rotate-secret-button").click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Rotate secret" }).click();
  await expect(settings.webhookSecret).toBeVisible();
  const secret = (await settings.webhookSecret.textContent())!.trim();
  expect(secret).not.toBe(firstSecret);
  const ping = Buffer.from(JSON.stringify({ zen: "Rotated.", hook_id: 2, repository: { full_name: name } }));
  const send = (key: string, guid: string) =>
    fetch(`${baton.url}/api/webhooks/github`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": guid, "x-hub-signature-256": signBody(key, ping) },
      body: ping,
    });
  expect((await send(firstSecret, `e2e-old-${name}`)).status).toBe(401);
  expect((await send(secret, `e2e-new-${name}`)).status).toBe(200);
  const rejected = settings.deliveries.filter({ has: page.locator('[data-result="rejected"]') }).first();
  await expect(rejected).toContainText("signature does not match", { timeout: 15_000 });
  await expect(settings.deliveries.filter({ hasText: "ping: the webhook reaches Baton" })).toHaveAttribute("data-result", "ignored");
  await page.getByTestId("secret-dismiss").click();
  await expect(settings.webhookSecret).toHaveCount(0);

  // Delete, after a confirmation.
  await page.getByTestId("delete-repository-button").click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/settings\/repositories$/);
  await expect(settings.repositoryRow(name)).toHaveCount(0);
  expect((await baton.api("GET", `/api/repositories/${id}`)).status).toBe(404);
});
