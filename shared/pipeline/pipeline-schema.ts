import { z } from "zod";
import { isDuration } from "./duration";

/**
 * The pipeline wire format: the JSON a generate step prints, validated here and published as
 * JSON Schema (`pipeline.schema.json`) so that any language can emit it.
 */

export const NodeName = z
  .string()
  .min(1, "a node name cannot be empty")
  .max(200, "a node name is at most 200 characters")
  .refine((name) => !name.includes("/"), "a node name cannot contain '/'")
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "a node name cannot contain control characters")
  .refine((name) => name !== "." && name !== "..", "a node name cannot be '.' or '..'");

export const EnvMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name is letters, digits and _"),
  z.string(),
);
export type EnvMap = z.infer<typeof EnvMap>;

export const Duration = z.string().refine(isDuration, "a duration such as 90s, 10m or 4h");

/** Where an Exec runs: an image by name, a Dockerfile in the repository, or Dockerfile text. */
export const ImageSpec = z
  .object({
    image: z.string().min(1).optional(),
    dockerfile: z.string().min(1).optional(),
    dockerfileText: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    copyRepo: z.boolean().optional(),
    env: EnvMap.optional(),
  })
  .strict()
  .refine(
    (spec) => [spec.image, spec.dockerfile, spec.dockerfileText].filter((v) => v !== undefined).length <= 1,
    "an image names at most one of image, dockerfile and dockerfileText",
  );
export type ImageSpec = z.infer<typeof ImageSpec>;

export const ImageRef = z.union([z.string().min(1), ImageSpec]);
export type ImageRef = z.infer<typeof ImageRef>;

/** Parameters any node may carry; on Serial and Parallel they are defaults for the subtree. */
export const NodeParams = z.object({
  env: EnvMap.optional(),
  image: ImageRef.optional(),
  skip: z.boolean().optional(),
  stopOnError: z.boolean().optional(),
  sameContainer: z.boolean().optional(),
  suppressErrors: z.boolean().optional(),
  maxConcurrent: z.number().int().positive().optional(),
  maxTime: Duration.optional(),
  cpu: z.number().positive().max(1024).optional(),
  mem: z.number().positive().max(4096).optional(),
  retries: z.number().int().min(0).max(100).optional(),
  doc: z.string().max(100_000).optional(),
  title: z.string().max(500).optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
});
export type NodeParams = z.infer<typeof NodeParams>;

const Command = z.string().min(1, "a command cannot be empty").max(1_000_000);

export const ExecNode = NodeParams.extend({
  type: z.literal("exec"),
  name: NodeName,
  command: Command,
}).strict();
export type ExecNode = z.infer<typeof ExecNode>;

export const LazyNode = NodeParams.extend({
  type: z.literal("lazy"),
  name: NodeName,
  command: Command,
}).strict();
export type LazyNode = z.infer<typeof LazyNode>;

export interface SerialNode extends NodeParams {
  type: "serial";
  name: string;
  children: PipelineNode[];
}
export interface ParallelNode extends NodeParams {
  type: "parallel";
  name: string;
  children: PipelineNode[];
}
export type PipelineNode = ExecNode | LazyNode | SerialNode | ParallelNode;

export const SerialNode: z.ZodType<SerialNode> = NodeParams.extend({
  type: z.literal("serial"),
  name: NodeName,
  get children() {
    return z.array(PipelineNode);
  },
}).strict();

export const ParallelNode: z.ZodType<ParallelNode> = NodeParams.extend({
  type: z.literal("parallel"),
  name: NodeName,
  get children() {
    return z.array(PipelineNode);
  },
}).strict();

export const PipelineNode: z.ZodType<PipelineNode> = z.lazy(() =>
  z.discriminatedUnion("type", [
    ExecNode,
    LazyNode,
    SerialNode as unknown as z.ZodObject<{ type: z.ZodLiteral<"serial"> }>,
    ParallelNode as unknown as z.ZodObject<{ type: z.ZodLiteral<"parallel"> }>,
  ]),
) as unknown as z.ZodType<PipelineNode>;

/** A whole pipeline: its root node. The root's name is ignored (the root's path is `/`). */
export const PipelineDocument = PipelineNode;
export type PipelineDocument = PipelineNode;

export const NodeType = z.enum(["exec", "serial", "parallel", "lazy"]);
export type NodeType = z.infer<typeof NodeType>;

export function isContainerType(type: NodeType): type is "serial" | "parallel" {
  return type === "serial" || type === "parallel";
}
