import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import {
  Duration,
  EnvMap,
  ExecNode,
  ImageRef,
  ImageSpec,
  LazyNode,
  NodeName,
  ParallelNode,
  PipelineDocument,
  SerialNode,
} from "./pipeline-schema";
import { DEFAULT_PIPELINE_LIMITS } from "./validate-pipeline";

/**
 * Publishes the pipeline wire format as JSON Schema (`pipeline.schema.json`, committed beside
 * this file) so that a generate step in any language can validate what it emits. Run
 * `npm run schema` after changing pipeline-schema.ts; json-schema.test.ts fails until you do.
 *
 * zod refinements do not translate, so the ones a JSON Schema can express are added here by
 * hand (name and duration patterns, one image source); what it cannot express (unique sibling
 * names, the size limits) is stated in the description.
 */

export const JSON_SCHEMA_PATH = fileURLToPath(new URL("./pipeline.schema.json", import.meta.url));
export const JSON_SCHEMA_ID = "https://baton.dev/pipeline.schema.json";

/** Same language as `isDuration` in duration.ts; json-schema.test.ts checks that they agree. */
export const DURATION_PATTERN = "^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$";
/** No `/`, no control characters (NodeName's refinements). */
export const NODE_NAME_PATTERN = "^[^/\\u0000-\\u001f\\u007f]*$";

const PARAM_DOCS: Record<string, string> = {
  env: "Environment variables; on Serial and Parallel inherited by the subtree.",
  image: "Where Exec nodes run: an image name, or an image description.",
  skip: "Do not run this node (or, on a container, its subtree); it counts as done.",
  stopOnError: "Serial: the first failed child stops the rest (default true).",
  sameContainer: "Serial: Exec descendants run one after another in one container and share its filesystem.",
  suppressErrors: "The node counts as done even if children failed.",
  maxConcurrent: "Parallel: at most this many children at once.",
  maxTime: "Killed past this duration, e.g. 90s, 10m, 4h (default 4h).",
  cpu: "CPUs for the container.",
  mem: "Memory for the container, in GB.",
  retries: "Automatic reruns of a failed Exec.",
  doc: "Markdown shown on the node.",
  title: "A title shown instead of the name.",
  tags: "Labels for filtering.",
  type: "The node's kind.",
  name: "Unique among siblings; the node's path is its ancestors' names and its own, e.g. /Build/unit-tests.",
  command: "A shell command, run with sh -c (a lazy node's command prints a pipeline subtree as JSON).",
  children: "Child nodes, in order.",
};

const DEFINITIONS: ReadonlyArray<readonly [z.ZodType, string, string]> = [
  [ExecNode, "ExecNode", "Runs one shell command in its image."],
  [LazyNode, "LazyNode", "An Exec whose output, a pipeline subtree in this format, is grafted in its place at run time."],
  [SerialNode, "SerialNode", "Runs its children one after another."],
  [ParallelNode, "ParallelNode", "Runs its children at the same time, at most maxConcurrent at once."],
  [NodeName, "NodeName", "A node name: no '/', no control characters, not '.' or '..'."],
  [EnvMap, "EnvMap", "Environment variables by name."],
  [Duration, "Duration", "A duration such as 90s, 10m, 4h or 1h30m (units ms, s, m, h, d)."],
  [ImageRef, "ImageRef", "An image name such as node:20, or an image description."],
  [ImageSpec, "ImageSpec", "Where an Exec runs: at most one of image, dockerfile and dockerfileText, plus copyRepo and env."],
];

const NODE_SCHEMAS = new Set<unknown>([ExecNode, LazyNode, SerialNode, ParallelNode]);

/** The JSON Schema of a pipeline document, as committed in pipeline.schema.json. */
export function buildJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string; description: string }>();
  for (const [schema, id, description] of DEFINITIONS) registry.add(schema, { id, description });

  const schema = z.toJSONSchema(PipelineDocument, {
    target: "draft-2020-12",
    io: "input",
    metadata: registry,
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === Duration) jsonSchema.pattern = DURATION_PATTERN;
      if (zodSchema === NodeName) {
        jsonSchema.pattern = NODE_NAME_PATTERN;
        jsonSchema.not = { enum: [".", ".."] };
      }
      if (zodSchema === ImageSpec) {
        jsonSchema.not = {
          anyOf: [
            { required: ["image", "dockerfile"] },
            { required: ["image", "dockerfileText"] },
            { required: ["dockerfile", "dockerfileText"] },
          ],
        };
      }
      const properties = jsonSchema.properties;
      if (properties !== undefined && NODE_SCHEMAS.has(zodSchema)) {
        for (const [key, property] of Object.entries(properties)) {
          const doc = PARAM_DOCS[key];
          if (doc !== undefined && typeof property === "object") property.description = doc;
        }
      }
    },
  });

  const { $schema, ...rest } = schema as Record<string, unknown>;
  return {
    $schema,
    $id: JSON_SCHEMA_ID,
    title: "Baton pipeline",
    description:
      "A Baton pipeline: the JSON a generate step prints on stdout, a tree of exec, lazy, serial and parallel nodes. " +
      "Beyond this schema Baton requires sibling names to be unique, at most " +
      `${DEFAULT_PIPELINE_LIMITS.maxNodes} nodes, at most ${DEFAULT_PIPELINE_LIMITS.maxDepth} levels of nesting ` +
      `and at most ${DEFAULT_PIPELINE_LIMITS.maxBytes / (1024 * 1024)} MB of JSON. The root's name is ignored (its path is /).`,
    ...rest,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function formatJsonSchema(schema: Record<string, unknown> = buildJsonSchema()): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes pipeline.schema.json. */
export function writeJsonSchema(path: string = JSON_SCHEMA_PATH): void {
  writeFileSync(path, formatJsonSchema());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeJsonSchema();
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
