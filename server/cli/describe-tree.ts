import type { PipelineNode } from "../../shared/pipeline/pipeline-schema";

/** A pipeline document as indented text: name, type, command and the parameters set on it. */
export function describeTree(root: PipelineNode): string {
  const lines: string[] = [];
  const visit = (node: PipelineNode, depth: number, isRoot: boolean) => {
    const params: string[] = [];
    if (node.skip) params.push("skip");
    if (node.maxConcurrent) params.push(`maxConcurrent ${node.maxConcurrent}`);
    if (node.stopOnError === false) params.push("stopOnError false");
    if (node.suppressErrors) params.push("suppressErrors");
    if (node.retries) params.push(`retries ${node.retries}`);
    if (node.maxTime) params.push(`maxTime ${node.maxTime}`);
    if (node.image) params.push(`image ${typeof node.image === "string" ? node.image : (node.image.image ?? node.image.dockerfile ?? "dockerfile")}`);
    const head = `${"  ".repeat(depth)}${isRoot ? "/" : node.name}  ${node.type}${params.length ? ` (${params.join(", ")})` : ""}`;
    lines.push(node.type === "exec" || node.type === "lazy" ? `${head}  ${node.command.split("\n")[0]}` : head);
    if (node.type === "serial" || node.type === "parallel") for (const child of node.children) visit(child, depth + 1, false);
  };
  visit(root, 0, true);
  return lines.join("\n");
}
