import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PipelineDetail } from "../../shared/api/pipeline-views";
import { parsePipelineJson } from "../../shared/pipeline/validate-pipeline";
import { sdkNodeOptions } from "../../shared/sdk/generate-env";
import { loadConfig } from "../config";
import { createBaton } from "../create-baton";
import { batonEnvFromVariables } from "../engine";
import { LocalExecutor } from "../executors/local-executor";
import { CfgLauncher, planCfgLaunch, type CfgLaunchRequest } from "../integrations/cfg-launcher";
import { ProgressView, exitStatusOf, invalidGenerateReason } from "./cli-output";
import { CliFailure } from "./cli-failure";
import { describeTree } from "./describe-tree";

/** Runs the cfg event in this process, with the store under BATON_DATA, and waits for the end. */
export async function runLocal(request: CfgLaunchRequest, options: { json: boolean }): Promise<number> {
  const baton = await createBaton(loadConfig(), { recover: false });
  const view = new ProgressView(options.json);
  try {
    const { launched, skipped } = await new CfgLauncher(baton.engine).launch(request);
    for (const line of skipped) process.stderr.write(`baton: ${line}\n`);
    if (launched.length === 0) return 0;
    const ids = new Set(launched.map((l) => l.id));
    const onNodes = (batch: { pipelineId: string }) => {
      if (!ids.has(batch.pipelineId)) return;
      const detail = baton.engine.getDetail(batch.pipelineId);
      if (detail) view.update(detail);
    };
    baton.engine.on("nodes", onNodes);
    const details: PipelineDetail[] = [];
    for (const { id } of launched) details.push(await baton.engine.whenIdle(id));
    baton.engine.off("nodes", onNodes);
    for (const detail of details) view.update(detail);
    view.finish();
    if (options.json) process.stdout.write(`${JSON.stringify(details.length === 1 ? details[0] : details, null, 2)}\n`);
    for (const detail of details) {
      const invalid = invalidGenerateReason(detail);
      if (invalid) throw new CliFailure(`${detail.id}: the generate step's output is not a valid pipeline: ${invalid.replace(/^invalid pipeline: /, "")}`);
    }
    return exitStatusOf(details);
  } finally {
    await baton.close();
  }
}

/** --dry-run: runs only the generate step, in a throw-away checkout, and prints the tree. */
export async function dryRun(request: CfgLaunchRequest, options: { json: boolean }): Promise<number> {
  const config = loadConfig();
  const plan = await planCfgLaunch(request);
  if (plan.nothingToRun) {
    process.stderr.write(`baton: no [${request.requested}] section's filter holds for these values; nothing would run\n`);
    return 0;
  }
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "baton-dry-run-"));
  const executor = new LocalExecutor({ workRoot, killGraceMs: 2000, commandPath: config.commandPath, commandHome: config.commandHome });
  const outputs: unknown[] = [];
  try {
    await executor.preparePipeline({ pipelineId: "dry-run", repoDir: request.repoDir, sha: plan.sha });
    for (const planned of plan.sections) {
      const stdout: Buffer[] = [];
      const handle = await executor.start(
        {
          pipelineId: "dry-run",
          path: "/Generate",
          attempt: 1,
          attemptId: "dry-run",
          command: planned.command,
          env: { ...batonEnvFromVariables(planned.variables), BATON_GENERATE: "1", NODE_OPTIONS: sdkNodeOptions() },
          image: null,
          cpu: null,
          mem: null,
          containerKey: null,
        },
        (stream, chunk) => (stream === "stdout" ? stdout.push(Buffer.from(chunk)) : process.stderr.write(chunk)),
      );
      const exit = await handle.exit;
      if (exit.exitCode !== 0) throw new CliFailure(`[${planned.section.name}] the generate step failed (${exit.workerError ?? `exit code ${exit.exitCode}`})`, 1);
      const parsed = parsePipelineJson(Buffer.concat(stdout).toString("utf8"));
      if (!parsed.ok) throw new CliFailure(`[${planned.section.name}] the generate step's output is not a valid pipeline: ${parsed.error}`);
      outputs.push(parsed.pipeline);
      if (!options.json) process.stdout.write(`[${planned.section.name}] ${planned.command}\n${describeTree(parsed.pipeline)}\n`);
    }
    if (options.json) process.stdout.write(`${JSON.stringify(outputs.length === 1 ? outputs[0] : outputs, null, 2)}\n`);
    return 0;
  } finally {
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
}
