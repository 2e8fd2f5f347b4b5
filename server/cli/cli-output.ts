import type { PipelineDetail } from "../../shared/api/pipeline-views";
import { LiveBlock, flattenStates, renderTree } from "./tree-renderer";

/**
 * Shows pipelines while they run: redrawn in place on a TTY, one line per change otherwise. With
 * --json the live view goes to stderr so stdout carries only the final JSON.
 */
export class ProgressView {
  private readonly out: NodeJS.WriteStream;
  private readonly live: LiveBlock | null;
  private readonly seen = new Map<string, Map<string, string>>();
  private timer: NodeJS.Timeout | null = null;
  private latest = new Map<string, PipelineDetail>();

  constructor(json: boolean) {
    this.out = json ? process.stderr : process.stdout;
    this.live = this.out.isTTY ? new LiveBlock(this.out) : null;
    if (this.live) {
      this.timer = setInterval(() => this.redraw(), 250);
      this.timer.unref();
    }
  }

  update(detail: PipelineDetail): void {
    this.latest.set(detail.id, detail);
    if (this.live) return;
    const before = this.seen.get(detail.id) ?? new Map<string, string>();
    const now = flattenStates(detail);
    for (const [path, state] of now) {
      if (before.get(path) !== state) this.out.write(`${detail.id}  ${state.padEnd(12)} ${path}\n`);
    }
    this.seen.set(detail.id, now);
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.redraw();
    else for (const detail of this.latest.values()) this.out.write(`${renderTree(detail, { colour: false }).join("\n")}\n`);
  }

  private redraw(): void {
    const lines: string[] = [];
    for (const detail of this.latest.values()) lines.push(...renderTree(detail, { colour: true }), "");
    this.live?.draw(lines);
  }
}

/** Exit status of a finished pipeline: 0 done, 1 anything else. */
export function exitStatusOf(details: PipelineDetail[]): number {
  return details.every((d) => d.root.state === "done") ? 0 : 1;
}

/** A generate step whose output was not a valid pipeline: bad input (status 2), with the schema's reason. */
export function invalidGenerateReason(detail: PipelineDetail): string | null {
  const generate = detail.root.children.find((c) => c.name === "Generate");
  const message = generate?.attempts.at(-1)?.message ?? null;
  if (generate?.state === "error" && message?.startsWith("invalid pipeline: ")) return message;
  return null;
}
