import fs from "node:fs";
import path from "node:path";
import { Router, type Request } from "express";
import { LaunchRequest, LogQuery, PipelineListQuery, type LaunchResult } from "../../shared/api/api-contract";
import { NodeAction } from "../../shared/api/node-actions";
import { validatePipeline } from "../../shared/pipeline/validate-pipeline";
import type { Engine } from "../engine";
import { git } from "../executors/git-checkout";
import type { CfgLauncher } from "../integrations/cfg-launcher";
import { rolesThatCan } from "../../shared/api/roles";
import { HttpError, parseWith } from "./api-errors";
import { requireRole } from "./auth";

/** Reads `.conducto.cfg` from the repository's default branch, so a branch cannot change what runs. */
async function cfgFromDefaultBranch(repoDir: string): Promise<string> {
  const head = (await git(["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd: repoDir }).catch(() => "")).trim() || "HEAD";
  try {
    return await git(["show", `${head}:.conducto.cfg`], { cwd: repoDir });
  } catch {
    throw new HttpError(400, "no_cfg", `no .conducto.cfg on ${head} of ${repoDir}`);
  }
}

function localRepository(repo: string): string {
  const dir = path.resolve(repo);
  if (!fs.existsSync(dir)) throw new HttpError(400, "bad_repo", `repository ${repo} is not a path on the server`);
  return dir;
}

/** `/api/pipelines`: any role reads pipelines and logs; launching and node actions need `operate`. */
export function pipelinesRouter(engine: Engine, launcher: CfgLauncher): Router {
  const router = Router();
  const operate = requireRole(...rolesThatCan("operate"));

  router.get("/", (req, res) => {
    const query = parseWith(PipelineListQuery, req.query, "query");
    res.json({ pipelines: engine.list(query) });
  });

  router.post("/", operate, async (req, res) => {
    const request = parseWith(LaunchRequest, req.body, "launch request");
    const who = `user:${req.principal?.name ?? "unknown"}`;
    if (request.kind === "pipeline") {
      const validated = validatePipeline(request.pipeline);
      if (!validated.ok) throw new HttpError(400, "invalid_pipeline", `invalid pipeline: ${validated.error}`);
      const detail = engine.launch(
        { kind: "tree", pipeline: validated.pipeline },
        { trigger: who, repoDir: request.repo ? localRepository(request.repo) : null, sha: request.sha ?? null, variables: request.variables },
      );
      const result: LaunchResult = { pipelines: [{ id: detail.id, section: null }] };
      res.status(201).json(result);
      return;
    }
    const repoDir = localRepository(request.repo);
    const { launched, skipped } = await launcher.launch({
      repoDir,
      cfgText: request.cfgText ?? (await cfgFromDefaultBranch(repoDir)),
      requested: request.event,
      variables: { user: req.principal?.name ?? "unknown", ...request.variables },
      trigger: who,
      handLaunch: true,
      ...(request.sha ? { sha: request.sha } : {}),
    });
    const result: LaunchResult = { pipelines: launched, ...(skipped.length ? { skipped: skipped.join("; ") } : {}) };
    res.status(launched.length ? 201 : 200).json(result);
  });

  router.get("/:id", (req, res) => {
    const detail = engine.getDetail(req.params.id);
    if (!detail) throw new HttpError(404, "not_found", `no pipeline ${req.params.id}`);
    res.json(detail);
  });

  router.post("/:id/actions", operate, (req: Request<{ id: string }>, res) => {
    const action = parseWith(NodeAction, req.body, "action");
    const result = engine.act(req.params.id, action, `user:${req.principal?.name ?? "unknown"}`);
    res.json({ ok: true, affected: result.affected });
  });

  router.get("/:id/logs", (req, res) => {
    const query = parseWith(LogQuery, req.query, "log query");
    res.json(engine.readLog(req.params.id, query.path, query.attempt, query.from, query.limit));
  });

  router.get("/:id/logs/download", async (req, res) => {
    const query = parseWith(LogQuery, req.query, "log query");
    const { attempt, text } = engine.logText(req.params.id, query.path, query.attempt);
    const name = `${req.params.id}${query.path.replace(/[^A-Za-z0-9_.-]+/g, "_")}.${attempt}.log`;
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.setHeader("content-disposition", `attachment; filename="${name}"`);
    for await (const piece of text) {
      if (!res.write(piece)) await new Promise((resolve) => res.once("drain", resolve));
    }
    res.end();
  });

  return router;
}
