import fs from "node:fs";
import path from "node:path";
import { Router } from "express";
import type { LaunchResult } from "../../shared/api/api-contract";
import { INSTALL_ROOT } from "../create-baton";
import { git } from "../executors/git-checkout";
import { rolesThatCan } from "../../shared/api/roles";
import type { CfgLauncher } from "../integrations/cfg-launcher";
import { requireRole } from "./auth";

/**
 * The bundled `examples/hello` as a git repository under the data dir (Baton runs commits), kept
 * in step with the example's files: a changed file becomes a new commit on `main`.
 */
export async function exampleRepository(dataDir: string, name = "hello"): Promise<string> {
  const source = path.join(INSTALL_ROOT, "examples", name);
  const repo = path.join(dataDir, "examples", name);
  if (!fs.existsSync(path.join(repo, ".git"))) {
    fs.mkdirSync(repo, { recursive: true });
    await git(["init", "--quiet", "--initial-branch=main"], { cwd: repo });
  }
  fs.cpSync(source, repo, { recursive: true, force: true, filter: (src) => !src.includes(`${path.sep}.git`) });
  await git(["add", "--all"], { cwd: repo });
  const status = await git(["status", "--porcelain"], { cwd: repo });
  if (status.trim()) {
    await git(["-c", "user.name=Baton", "-c", "user.email=baton@localhost", "commit", "--quiet", "-m", `examples/${name}`], { cwd: repo });
  }
  return repo;
}

export function examplesRouter(dataDir: string, launcher: CfgLauncher): Router {
  const router = Router();
  router.post("/hello", requireRole(...rolesThatCan("operate")), async (req, res) => {
    const repoDir = await exampleRepository(dataDir);
    const { launched, skipped } = await launcher.launch({
      repoDir,
      cfgText: fs.readFileSync(path.join(repoDir, ".conducto.cfg"), "utf8"),
      requested: "push",
      variables: { branch: "main", user: req.principal?.name ?? "unknown" },
      trigger: `user:${req.principal?.name ?? "unknown"}`,
      handLaunch: true,
    });
    const result: LaunchResult = { pipelines: launched, ...(skipped.length ? { skipped: skipped.join("; ") } : {}) };
    res.status(201).json(result);
  });
  return router;
}
