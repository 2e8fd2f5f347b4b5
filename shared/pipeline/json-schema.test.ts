import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isDuration } from "./duration";
import { NodeName } from "./pipeline-schema";
import { buildJsonSchema, DURATION_PATTERN, formatJsonSchema, JSON_SCHEMA_ID, JSON_SCHEMA_PATH, NODE_NAME_PATTERN } from "./write-json-schema";

describe("pipeline.schema.json", () => {
  it("is exactly what the generator produces from the zod schema (run `npm run schema` if not)", () => {
    expect(readFileSync(JSON_SCHEMA_PATH, "utf8")).toBe(formatJsonSchema(buildJsonSchema()));
  });

  it("carries its identity and describes every node type", () => {
    const schema = buildJsonSchema() as { $id: string; title: string; description: string; $defs: Record<string, unknown> };
    expect(schema.$id).toBe(JSON_SCHEMA_ID);
    expect(schema.title).toBe("Baton pipeline");
    expect(schema.description).toContain("unique");
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(["ExecNode", "LazyNode", "SerialNode", "ParallelNode"]));
  });

  it("uses a duration pattern that agrees with isDuration", () => {
    const pattern = new RegExp(DURATION_PATTERN, "u");
    for (const text of ["90s", "10m", "4h", "1h30m", "250ms", "1.5h", "2d", "", "5", "m", "10 m", "-1s", "1h 30m", "5x", "1.s"]) {
      expect(pattern.test(text), text).toBe(isDuration(text));
    }
  });

  it("uses a name pattern that agrees with NodeName", () => {
    const pattern = new RegExp(NODE_NAME_PATTERN, "u");
    for (const name of ["build", "unit tests", "Ünïcode", "a.b", "a/b", "/", "tab\there", "bell\u0007", "del\u007f"]) {
      expect(pattern.test(name), JSON.stringify(name)).toBe(NodeName.safeParse(name).success);
    }
  });
});
