/**
 * Types for `import … from "baton"` inside this repository (examples/, tests): Node resolves the
 * name at run time through register.mjs, TypeScript through this declaration. Every value
 * export of index.ts is listed (sdk.test.ts checks that none is missing).
 */
/* eslint-disable @typescript-eslint/consistent-type-imports -- an ambient module may not `import` a relative path; `import()` types are the only way in */
declare module "baton" {
  type Sdk = typeof import("./index");

  export const Serial: Sdk["Serial"];
  export const Parallel: Sdk["Parallel"];
  export const Exec: Sdk["Exec"];
  export const Lazy: Sdk["Lazy"];
  export const Image: Sdk["Image"];
  export const main: Sdk["main"];
  export const shellQuote: Sdk["shellQuote"];
  export const isNode: Sdk["isNode"];
  export const renderTree: Sdk["renderTree"];
  export const validatePipeline: Sdk["validatePipeline"];
  export const PipelineBuildError: Sdk["PipelineBuildError"];
  export type PipelineBuildError = import("./index").PipelineBuildError;

  export const Node: Sdk["Node"];
  export type Node = import("./index").Node;
  export const ContainerNode: Sdk["ContainerNode"];
  export type ContainerNode = import("./index").ContainerNode;
  export const CommandNode: Sdk["CommandNode"];
  export type CommandNode = import("./index").CommandNode;
  export const SerialNode: Sdk["SerialNode"];
  export type SerialNode = import("./index").SerialNode;
  export const ParallelNode: Sdk["ParallelNode"];
  export type ParallelNode = import("./index").ParallelNode;
  export const ExecNode: Sdk["ExecNode"];
  export type ExecNode = import("./index").ExecNode;
  export const LazyNode: Sdk["LazyNode"];
  export type LazyNode = import("./index").LazyNode;

  export type Children = import("./index").Children;
  export type Command = import("./index").Command;
  export type EnvMap = import("./index").EnvMap;
  export type ImageRef = import("./index").ImageRef;
  export type ImageSpec = import("./index").ImageSpec;
  export type NodeParams = import("./index").NodeParams;
  export type NodeType = import("./index").NodeType;
  export type PipelineNode = import("./index").PipelineNode;
}
