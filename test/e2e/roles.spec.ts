import type { Page } from "@playwright/test";
import type { PipelineDetail } from "../../shared/api/pipeline-views";
import type { Role, UserView } from "../../shared/api/api-contract";
import { expect, signIn, test } from "./fixtures";
import { PipelinePage } from "./pages/pipeline-page";

/**
 * Each role signs in through the sign-in form and sees only the controls it may use: the server
 * refuses the rest anyway (test/integration/accounts.test.ts), the page does not offer them.
 */
const users: Record<Exclude<Role, "admin">, { name: string; password: string }> = {
  operator: { name: "olga", password: "olga-password-1" },
  viewer: { name: "vic", password: "vic-password-1" },
};

let pipelineId = "";

test.beforeAll(async ({ baton }) => {
  for (const [role, user] of Object.entries(users)) {
    const made = await baton.api<UserView>("POST", "/api/users", { ...user, role });
    expect([201, 409]).toContain(made.status);
  }
  const page = new PipelinePage(undefined as unknown as Page, baton);
  pipelineId = await page.launch({
    kind: "pipeline",
    pipeline: { type: "serial", name: "roles", children: [{ type: "exec", name: "build", command: "echo built" }, { type: "exec", name: "test", command: "echo failing; exit 1" }] },
  });
  await expect
    .poll(async () => (await baton.api<PipelineDetail>("GET", `/api/pipelines/${pipelineId}`)).body.state, { timeout: 30_000 })
    .toBe("error");
});

async function openFailedNode(page: Page, pipeline: PipelinePage): Promise<void> {
  await pipeline.open(pipelineId);
  await pipeline.select("/test");
  await expect(pipeline.panel.getByText("failing").first()).toBeVisible();
}

test("an admin sees every control on the pipeline page and every settings section", async ({ page, baton }) => {
  await signIn(page, baton, { name: "admin", password: baton.password });
  await expect(page.getByTestId("user-menu")).toHaveText(/admin \(admin\)/);
  const pipeline = new PipelinePage(page, baton);
  await openFailedNode(page, pipeline);
  const header = page.getByTestId("pipeline-header");
  await expect(header.getByRole("button", { name: "Rerun failed" })).toBeVisible();
  await expect(header.getByRole("button", { name: "Kill all" })).toBeVisible();
  for (const name of [/^Rerun$/, /^Skip$/, /^Kill$/, /^Modify$/]) await expect(pipeline.control(name)).toBeVisible();

  await page.getByTestId("nav-settings").click();
  const nav = page.getByRole("navigation", { name: "Settings" });
  for (const section of ["Repositories", "Users", "API tokens"]) await expect(nav.getByRole("link", { name: section })).toBeVisible();
  await nav.getByRole("link", { name: "Users" }).click();
  const olga = page.locator('[data-testid="user-row"][data-user="olga"]');
  await expect(olga.getByRole("combobox")).toHaveValue("operator");
  await expect(page.locator('[data-testid="user-row"][data-user="vic"]').getByRole("combobox")).toHaveValue("viewer");

  // A token made on the page is shown once, listed with its role, and revoked there.
  await nav.getByRole("link", { name: "API tokens" }).click();
  await page.getByRole("button", { name: "New token" }).click();
  await page.getByLabel("Token name").fill("e2e bot");
  await page.getByLabel("Token role").selectOption("viewer");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent())!.trim();
  expect(secret).toMatch(/^bat_/);
  const withToken = await fetch(`${baton.url}/api/pipelines`, { headers: { authorization: `Bearer ${secret}` } });
  expect(withToken.status).toBe(200);
  const row = page.locator('[data-testid="token-row"][data-token="e2e bot"]');
  await expect(row).toContainText("viewer");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("token-secret")).toHaveCount(0);
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toHaveCount(0);
  expect((await fetch(`${baton.url}/api/pipelines`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
});

test("an operator sees rerun, skip, kill and modify but no settings", async ({ page, baton }) => {
  await signIn(page, baton, users.operator);
  await expect(page.getByTestId("user-menu")).toHaveText(/olga \(operator\)/);
  await expect(page.getByTestId("nav-settings")).toHaveCount(0);
  const pipeline = new PipelinePage(page, baton);
  await openFailedNode(page, pipeline);
  const header = page.getByTestId("pipeline-header");
  await expect(header.getByRole("button", { name: "Rerun failed" })).toBeVisible();
  await expect(header.getByRole("button", { name: "Kill all" })).toBeVisible();
  for (const name of [/^Rerun$/, /^Skip$/, /^Kill$/, /^Modify$/]) await expect(pipeline.control(name)).toBeVisible();

  await page.goto(`${baton.url}/settings/users`);
  await expect(page.getByTestId("settings-denied")).toBeVisible();
  await expect(page.getByTestId("settings-users-page")).toHaveCount(0);
  await page.goto(`${baton.url}/settings/tokens`);
  await expect(page.getByTestId("settings-denied")).toBeVisible();
  await page.goto(`${baton.url}/settings/repositories`);
  await expect(page.getByTestId("settings-denied")).toBeVisible();
});

test("a viewer reads the pipeline and its log but sees no control at all", async ({ page, baton }) => {
  await signIn(page, baton, users.viewer);
  await expect(page.getByTestId("user-menu")).toHaveText(/vic \(viewer\)/);
  await expect(page.getByTestId("nav-settings")).toHaveCount(0);
  const pipeline = new PipelinePage(page, baton);
  await openFailedNode(page, pipeline);
  const header = page.getByTestId("pipeline-header");
  await expect(header.getByRole("button", { name: "Next error" })).toBeVisible();
  await expect(header.getByRole("button", { name: "Rerun failed" })).toHaveCount(0);
  await expect(header.getByRole("button", { name: "Kill all" })).toHaveCount(0);
  await expect(pipeline.panel.getByRole("group", { name: "Node controls" })).toHaveCount(0);
  for (const name of [/^Rerun$/, /^Skip$/, /^Kill$/, /^Modify$/]) await expect(pipeline.control(name)).toHaveCount(0);
  // No context menu and no rerun key either.
  await pipeline.node("/test").click({ button: "right", position: { x: 12, y: 12 } });
  await expect(page.getByRole("menu")).toHaveCount(0);
  await page.keyboard.press("r");
  await page.waitForTimeout(300);
  expect((await baton.api<PipelineDetail>("GET", `/api/pipelines/${pipelineId}`)).body.state).toBe("error");

  await page.goto(`${baton.url}/settings/tokens`);
  await expect(page.getByTestId("settings-denied")).toBeVisible();
});

test("a user changes their password from the user menu; the old password and another browser's session stop working", async ({ page, browser, baton }) => {
  const user = { name: "pat", password: "pat-password-1" };
  expect((await baton.api("POST", "/api/users", { ...user, role: "viewer" })).status).toBe(201);
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, baton, user);
  await signIn(page, baton, user);

  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Change password" }).click();
  const dialog = page.getByTestId("change-password-dialog");
  await dialog.getByLabel("Current password").fill(user.password);
  await dialog.getByLabel("New password", { exact: true }).fill("pat-password-2");
  await dialog.getByLabel("New password again").fill("pat-password-2");
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(dialog.getByRole("status")).toContainText("Password changed");
  await dialog.getByRole("button", { name: "Close" }).click();

  // This browser stays signed in (a new cookie); the other one is sent to the sign-in form.
  await page.reload();
  await expect(page.getByTestId("pipelines-page")).toBeVisible();
  await other.reload();
  await expect(other.getByTestId("sign-in-form")).toBeVisible();
  await otherContext.close();

  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
  await page.getByLabel("User name").fill(user.name);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByRole("alert")).toContainText("wrong user name or password");
  await signIn(page, baton, { name: user.name, password: "pat-password-2" });
});
