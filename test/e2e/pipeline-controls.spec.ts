import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../fixtures/baton-server";
import { commitAll, makeRepo } from "../fixtures/temp-git-repo";
import { expect, signIn, test } from "./fixtures";
import { PipelinePage } from "./pages/pipeline-page";

/** examples/hello in a fresh git repository, with its unit test broken in the commit. */
function brokenHello(): string {
  const repo = makeRepo({ "README.md": "hello" });
  fs.cpSync(path.join(PROJECT_ROOT, "examples", "hello"), repo, { recursive: true });
  const unit = path.join(repo, "tests", "unit.sh");
  fs.writeFileSync(unit, fs.readFileSync(unit, "utf8").replace('actual="hello"', 'actual="helo"'));
  commitAll(repo, "break the unit test");
  execFileSync("git", ["-C", repo, "log", "--oneline"], { stdio: "ignore" });
  return repo;
}

const HELLO_NODES = ["/", "/Generate", "/Execute", "/Execute/build", "/Execute/tests", "/Execute/tests/unit", "/Execute/tests/lint", "/Execute/tests/integration", "/Execute/deploy"];

test("a failed hello pipeline is read, fixed through modify and rerun to done, live and without a reload", async ({ pipelinePage: p, baton }) => {
  const repo = brokenHello();
  const id = await p.launch({ kind: "cfg", repo, event: "push", variables: { branch: "main" } });
  await p.open(id);
  // A marker on the window survives client-side navigation but not a reload.
  await p.page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

  for (const nodePath of HELLO_NODES) await expect(p.node(nodePath)).toBeVisible({ timeout: 30_000 });
  await p.expectState("/Execute/tests/unit", "error");
  await p.expectState("/Execute/tests/lint", "done");
  await p.expectState("/Execute/build", "done");
  await p.expectState("/Execute/deploy", "pending");
  await expect(p.headerState()).toContainText(/error/i);

  await p.select("/Execute/tests/unit");
  await expect(p.page.getByTestId("node-log")).toContainText("unit: expected greeting 'hello', got 'helo'");

  await p.control(/^Modify$/).click();
  const form = p.page.getByTestId("modify-form");
  await form.getByLabel("Command").fill("sed -i 's/actual=\"helo\"/actual=\"hello\"/' tests/unit.sh && sh tests/unit.sh");
  await form.getByRole("button", { name: "Save and rerun" }).click();

  await p.expectState("/Execute/tests/unit", "done");
  await p.expectState("/Execute/deploy", "done");
  await p.expectState("/", "done");
  await expect(p.headerState()).toContainText(/done/i);
  await expect(p.page.getByTestId("attempt")).toHaveCount(2);
  expect(await p.page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
  await p.page.screenshot({ path: "test-results/pipeline-page-fixed.png" });
  void baton;
});

test("kill turns a running sleep 600 killed within the grace period, and skip of a failed node lets its Serial go on", async ({ pipelinePage: p }) => {
  const id = await p.launch({
    kind: "pipeline",
    pipeline: {
      type: "serial",
      name: "r",
      stopOnError: false,
      children: [
        { type: "serial", name: "checks", stopOnError: true, children: [{ type: "exec", name: "lint", command: "echo lint failed >&2; exit 1" }, { type: "exec", name: "after-lint", command: "echo after" }] },
        { type: "exec", name: "sleeper", command: "sleep 600" },
      ],
    },
  });
  await p.open(id);
  await p.expectState("/checks/lint", "error");
  await p.expectState("/checks/after-lint", "pending");
  await p.expectState("/sleeper", "running");

  await p.select("/sleeper");
  await p.control(/^Kill$/).click();
  const dialog = p.page.getByTestId("confirm-dialog");
  await expect(dialog).toBeVisible();
  const killedAt = Date.now();
  await dialog.getByRole("button", { name: /^Kill$/ }).click();
  await p.expectState("/sleeper", "killed", 3000);
  const took = Date.now() - killedAt;
  console.log(`kill to killed in the browser: ${took} ms (grace 3000 ms)`);
  expect(took).toBeLessThan(3000);
  await expect(p.control(/^Kill$/)).toBeDisabled();

  await p.select("/checks/lint");
  await p.act(/^Skip$/);
  await expect(p.node("/checks/lint")).toHaveAttribute("data-skipped", "true");
  await p.expectState("/checks/after-lint", "done");
  await p.expectState("/checks", "done");
});

test("an action in one browser appears in another within 500 ms", async ({ pipelinePage: p, baton, browser }) => {
  const id = await p.launch({
    kind: "pipeline",
    pipeline: { type: "parallel", name: "r", children: [{ type: "exec", name: "a", command: "sleep 600" }, { type: "exec", name: "b", command: "sleep 600" }] },
  });
  await p.open(id);
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  await signIn(otherPage, baton);
  const other = new PipelinePage(otherPage, baton);
  await other.open(id);
  await other.expectState("/b", "running");
  await p.expectState("/b", "running");

  await p.select("/b");
  const watch = other.page.waitForFunction(
    () => document.querySelector('[data-testid="graph-node"][data-path="/b"]')?.getAttribute("data-state") === "killed",
    undefined,
    { polling: "raf", timeout: 10_000 },
  );
  await p.control(/^Kill$/).click();
  const dialog = p.page.getByTestId("confirm-dialog");
  await expect(dialog).toBeVisible();
  const clicked = Date.now();
  await dialog.getByRole("button", { name: /^Kill$/ }).click();
  await watch;
  const lag = Date.now() - clicked;
  console.log(`action seen in the other browser after ${lag} ms`);
  expect(lag).toBeLessThan(500);
  await otherContext.close();
  await baton.api("POST", `/api/pipelines/${id}/actions`, { action: "kill", path: "/" });
});

test("an action that cannot apply shows the server's message", async ({ pipelinePage: p }) => {
  const id = await p.launch({ kind: "pipeline", pipeline: { type: "serial", name: "r", children: [{ type: "exec", name: "quick", command: "true" }] } });
  await p.open(id);
  await p.expectState("/quick", "done");
  await p.select("/quick");
  await expect(p.control(/^Kill$/)).toBeDisabled();
  // The UI disables what cannot apply; the API still says why when asked directly.
  const response = await p.server.api<{ error: { message: string } }>("POST", `/api/pipelines/${id}/actions`, { action: "kill", path: "/quick" });
  expect(response.status).toBe(409);
  expect(response.body.error.message).toMatch(/cannot kill \/quick: it is done/);
});
