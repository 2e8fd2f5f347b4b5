import type { ImageRef, PipelineNode } from "../pipeline/pipeline-schema";

/**
 * Renders a pipeline as indented text, one node a line: name, type, command, key parameters.
 * What `main` prints when a pipeline script is run by hand.
 *
 * @example
 * renderTree(Serial({ build: Exec("npm run build") }).toJSON());
 * // / serial
 * //   build  exec  npm run build
 */
export function renderTree(pipeline: PipelineNode): string {
  const lines: string[] = [];
  const stack: Array<{ node: PipelineNode; depth: number }> = [{ node: pipeline, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: PipelineNode; depth: number };
    // "/ serial" for the root; below it two spaces separate name, type and command.
    let line = depth === 0 ? `/ ${node.type}` : `${"  ".repeat(depth)}${visible(node.name)}  ${node.type}`;
    if (node.type === "exec" || node.type === "lazy") line += `  ${commandLine(node.command)}`;
    const params = describeParams(node);
    lines.push(params === "" ? line : `${line} ${params}`);
    if (node.type === "serial" || node.type === "parallel") {
      for (let index = node.children.length - 1; index >= 0; index -= 1) {
        stack.push({ node: node.children[index] as PipelineNode, depth: depth + 1 });
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The parameters worth seeing at a glance, e.g. `(maxConcurrent 4, maxTime 5m)`. */
function describeParams(node: PipelineNode): string {
  const notes: string[] = [];
  if (node.skip) notes.push("skipped");
  if (node.image !== undefined) notes.push(`image ${describeImage(node.image)}`);
  if (node.sameContainer) notes.push("sameContainer");
  if (node.stopOnError === false) notes.push("stopOnError false");
  if (node.suppressErrors) notes.push("suppressErrors");
  if (node.maxConcurrent !== undefined) notes.push(`maxConcurrent ${node.maxConcurrent}`);
  if (node.maxTime !== undefined) notes.push(`maxTime ${node.maxTime}`);
  if (node.retries) notes.push(`retries ${node.retries}`);
  if (node.cpu !== undefined) notes.push(`cpu ${node.cpu}`);
  if (node.mem !== undefined) notes.push(`mem ${node.mem}GB`);
  if (node.env !== undefined && Object.keys(node.env).length > 0) notes.push(`env ${Object.keys(node.env).join(",")}`);
  if (node.tags !== undefined && node.tags.length > 0) notes.push(`tags ${node.tags.join(",")}`);
  return notes.length === 0 ? "" : `(${visible(notes.join(", "))})`;
}

function describeImage(image: ImageRef): string {
  if (typeof image === "string") return image;
  let where = "default";
  if (image.image !== undefined) where = image.image;
  else if (image.dockerfile !== undefined) where = `from ${image.dockerfile}`;
  else if (image.dockerfileText !== undefined) where = "from Dockerfile text";
  return image.copyRepo ? `${where} with repo` : where;
}

/** The command's first line, shortened, with control characters made visible. */
function commandLine(command: string): string {
  const lines = command.trim().split(/\r?\n/);
  let first = visible(lines[0] ?? "");
  if (first.length > 160) first = `${first.slice(0, 159)}…`;
  return lines.length > 1 ? `${first} …` : first;
}

function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, (char) => JSON.stringify(char).slice(1, -1));
}
