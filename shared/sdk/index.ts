/**
 * The Baton SDK: pipelines as code. A pipeline script builds a tree of nodes and hands its root
 * to `main`, which prints it for Baton (JSON) or for a person (an indented tree).
 *
 * Pipeline scripts import it as `"baton"` without installing anything: Baton runs them with
 * `node --import <baton>/shared/sdk/register.mjs`, which also lets them be TypeScript.
 *
 * @example
 * import { Serial, Parallel, Exec, Image, main } from "baton";
 *
 * const image = Image({ image: "node:20", copyRepo: true });
 * const root = Serial({ image, env: { CI: "1" } }, {
 *   build: Exec("npm run build"),
 *   tests: Parallel({ maxConcurrent: 4 }, {
 *     unit: Exec("npm test"),
 *     lint: Exec("npm run lint", { maxTime: "5m" }),
 *   }),
 *   deploy: Exec("./deploy.sh", { skip: process.env.BATON_BRANCH !== "main" }),
 * });
 * main(root);
 */
export {
  Serial,
  Parallel,
  Exec,
  Lazy,
  Image,
  shellQuote,
  isNode,
  Node,
  ContainerNode,
  CommandNode,
  SerialNode,
  ParallelNode,
  ExecNode,
  LazyNode,
  PipelineBuildError,
} from "./nodes";
export type { Children, Command } from "./nodes";
export { main } from "./main";
export { renderTree } from "./render-tree";
export { validatePipeline } from "../pipeline/validate-pipeline";
export type { EnvMap, ImageRef, ImageSpec, NodeParams, NodeType, PipelineNode } from "../pipeline/pipeline-schema";
