import type { NodeView, PipelineDetail } from "../../shared/api/pipeline-views";
import type { NodeState } from "../../shared/pipeline/node-state";
import { formatDuration } from "../../shared/pipeline/duration";

const MARK: Record<NodeState, string> = {
  pending: "·",
  queued: "○",
  running: "▶",
  done: "✓",
  error: "✗",
  killed: "☠",
  worker_error: "!",
};

const COLOUR: Record<NodeState, string> = {
  pending: "\u001b[90m",
  queued: "\u001b[37m",
  running: "\u001b[34m",
  done: "\u001b[32m",
  error: "\u001b[31m",
  killed: "\u001b[33m",
  worker_error: "\u001b[35m",
};
const RESET = "\u001b[0m";

function durationOf(node: NodeView, now: number): string {
  const last = node.attempts.at(-1);
  if (!last?.startedAt) return "";
  return formatDuration((last.endedAt ?? now) - last.startedAt);
}

/** The pipeline as indented lines: mark, name, state, duration, exit code. */
export function renderTree(detail: PipelineDetail, options: { colour: boolean; now?: number }): string[] {
  const now = options.now ?? Date.now();
  const lines: string[] = [];
  const visit = (node: NodeView, depth: number) => {
    const state = node.skipped ? "skipped" : node.state;
    const mark = node.skipped ? "↷" : MARK[node.state];
    const name = node.path === "/" ? `/ ${detail.repo ?? ""} ${detail.branch ? `(${detail.branch})` : ""}`.trimEnd() : node.name;
    const last = node.attempts.at(-1);
    const extra = [durationOf(node, now), last && last.exitCode !== null && last.exitCode !== 0 ? `exit ${last.exitCode}` : "", node.attempts.length > 1 ? `${node.attempts.length} attempts` : ""]
      .filter(Boolean)
      .join(", ");
    const text = `${"  ".repeat(depth)}${mark} ${name}  ${state}${extra ? `  (${extra})` : ""}`;
    lines.push(options.colour ? `${node.skipped ? COLOUR.pending : COLOUR[node.state]}${text}${RESET}` : text);
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(detail.root, 0);
  return lines;
}

/** Every node with its state, for printing only what changed on a non-TTY. */
export function flattenStates(detail: PipelineDetail): Map<string, string> {
  const states = new Map<string, string>();
  const visit = (node: NodeView) => {
    states.set(node.path, node.skipped ? "skipped" : node.state);
    node.children.forEach(visit);
  };
  visit(detail.root);
  return states;
}

/** Redraws a block of lines in place on a terminal. */
export class LiveBlock {
  private drawn = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(lines: string[]): void {
    const width = this.out.columns ?? 120;
    let text = this.drawn > 0 ? `\u001b[${this.drawn}A` : "";
    for (const line of lines) text += `\u001b[2K${truncateVisible(line, width - 1)}\n`;
    for (let i = lines.length; i < this.drawn; i++) text += "\u001b[2K\n";
    const total = Math.max(lines.length, this.drawn);
    if (total > lines.length) text += `\u001b[${total - lines.length}A`;
    this.out.write(text);
    this.drawn = lines.length;
  }
}

function truncateVisible(line: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = line.replace(/\u001b\[[0-9;]*m/g, "");
  if (visible.length <= width) return line;
  return `${visible.slice(0, Math.max(0, width - 1))}…`;
}
