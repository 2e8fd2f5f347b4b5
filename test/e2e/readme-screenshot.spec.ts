import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../fixtures/baton-server";
import { commitAll, makeRepo } from "../fixtures/temp-git-repo";
import { expect, test } from "./fixtures";

/**
 * The README's screenshot, from the real app: the hello pipeline with its unit test failing,
 * the failed node selected and its log open. Kept under test-results/ as a CI artifact;
 * `BATON_UPDATE_README_SCREENSHOT=1` also writes docs/pipeline-page.png.
 */
test("the pipeline page with a failed node selected and its log open", async ({ pipelinePage: p }) => {
  const repo = makeRepo({ "README.md": "hello" });
  fs.cpSync(path.join(PROJECT_ROOT, "examples", "hello"), repo, { recursive: true });
  const unit = path.join(repo, "tests", "unit.sh");
  fs.writeFileSync(unit, fs.readFileSync(unit, "utf8").replace('actual="hello"', 'actual="helo"'));
  commitAll(repo, "break the unit test");
  const id = await p.launch({ kind: "cfg", repo, event: "push", variables: { branch: "main" } });
  await p.open(id);
  await p.expectState("/", "error");
  await p.page.keyboard.press("e");
  await expect(p.page.getByTestId("node-panel-path")).toHaveText("/Execute/tests/unit");
  await expect(p.page.getByTestId("node-log")).toContainText("expected greeting 'hello', got 'helo'");
  await p.page.waitForTimeout(300);
  const shot = await p.page.screenshot({ path: "test-results/pipeline-page.png" });
  if (process.env.BATON_UPDATE_README_SCREENSHOT === "1") fs.writeFileSync(path.join(PROJECT_ROOT, "docs", "pipeline-page.png"), shot);
});
