import { describe, expect, it } from "vitest";
import { parsePipelineJson, validatePipeline } from "./validate-pipeline";

const exec = (name: string, command = "true", extra: Record<string, unknown> = {}) => ({ type: "exec", name, command, ...extra });
const serial = (name: string, children: unknown[], extra: Record<string, unknown> = {}) => ({ type: "serial", name, children, ...extra });
const parallel = (name: string, children: unknown[], extra: Record<string, unknown> = {}) => ({ type: "parallel", name, children, ...extra });

function errorOf(result: ReturnType<typeof validatePipeline>): string {
  if (result.ok) throw new Error("expected the pipeline to be refused");
  return result.error;
}

/** A chain of `depth` nested serials (the root is level 1), built without recursion. */
function chain(depth: number): unknown {
  let node: unknown = exec("leaf");
  for (let level = depth - 1; level >= 1; level -= 1) node = serial(`s${level}`, [node]);
  return node;
}

describe("validatePipeline", () => {
  it("accepts a valid pipeline and counts its nodes, the root included", () => {
    const input = serial("root", [exec("build", "make"), parallel("tests", [exec("unit", "make test"), exec("lint", "make lint", { maxTime: "5m" })], { maxConcurrent: 2 })]);
    const result = validatePipeline(input);
    expect(result).toEqual({ ok: true, pipeline: input, nodeCount: 5 });
  });

  it("accepts a lone exec as the whole pipeline", () => {
    expect(validatePipeline(exec("only"))).toMatchObject({ ok: true, nodeCount: 1 });
  });

  it("refuses more than 20000 nodes by default, and honours a lower limit", () => {
    const wide = (count: number) => serial("root", Array.from({ length: count - 1 }, (_, i) => exec(`n${i}`)));
    expect(validatePipeline(wide(20_000))).toMatchObject({ ok: true, nodeCount: 20_000 });
    expect(errorOf(validatePipeline(wide(20_001)))).toBe("pipeline has more than 20000 nodes");
    expect(errorOf(validatePipeline(wide(11), { maxNodes: 10 }))).toBe("pipeline has more than 10 nodes");
  });

  it("refuses nesting deeper than 64 levels and names where", () => {
    expect(validatePipeline(chain(64)).ok).toBe(true);
    const error = errorOf(validatePipeline(chain(65)));
    expect(error).toBe("pipeline is nested deeper than 64 levels at /s2/s3/s4/…/s64/leaf");
    expect(errorOf(validatePipeline(chain(4), { maxDepth: 3 }))).toBe("pipeline is nested deeper than 3 levels at /s2/s3/leaf");
  });

  it("survives a tree nested far deeper than the call stack allows", () => {
    expect(errorOf(validatePipeline(chain(200_000)))).toMatch(/^pipeline is nested deeper than 64 levels at /);
    expect(errorOf(validatePipeline(chain(200_000), { maxDepth: 1_000_000, maxNodes: 1_000_000 }))).toBe(
      "pipeline is nested too deeply to validate (200000 levels)",
    );
  });

  it("refuses two siblings with the same name, naming the parent by its path", () => {
    const input = serial("root", [serial("Build", [exec("test"), exec("lint"), exec("test", "other")])]);
    expect(errorOf(validatePipeline(input))).toBe('/Build: two children named "test"');
    expect(errorOf(validatePipeline(serial("root", [exec("a"), exec("a")])))).toBe('/: two children named "a"');
  });

  it("allows the same name under different parents", () => {
    const input = serial("root", [serial("a", [exec("test")]), serial("b", [exec("test")])]);
    expect(validatePipeline(input).ok).toBe(true);
  });

  it("names the node by its path, not the JSON path, in schema errors", () => {
    const input = serial("root", [serial("Build", [exec("compile"), exec("unit-tests", "")])]);
    expect(errorOf(validatePipeline(input))).toBe("/Build/unit-tests: command: a command cannot be empty");
  });

  it("falls back to the child's index when it has no usable name", () => {
    const input = serial("root", [serial("Build", [exec("a"), exec("b"), { type: "exec", command: "x" }])]);
    expect(errorOf(validatePipeline(input))).toBe("/Build/[2]: name: missing (expected string)");
    const slash = serial("root", [exec("a/b")]);
    expect(errorOf(validatePipeline(slash))).toBe("/[0]: name: a node name cannot contain '/'");
  });

  it("reports problems at the root with the path /", () => {
    expect(errorOf(validatePipeline("hello"))).toBe('/: expected object, got "hello"');
    expect(errorOf(validatePipeline(null))).toBe("/: expected object, got null");
    expect(errorOf(validatePipeline({ type: "serial", name: "root" }))).toBe("/: children: missing (expected array)");
  });

  it("explains an unknown node type and an unknown field", () => {
    expect(errorOf(validatePipeline(serial("root", [{ type: "shell", name: "x", command: "true" }])))).toBe(
      '/x: type: "shell" is not one of "exec", "lazy", "serial", "parallel"',
    );
    expect(errorOf(validatePipeline(serial("root", [exec("build", "make", { comand: "make" })])))).toBe('/build: unknown field "comand"');
  });

  it("names the field inside the node, down to map keys and list items", () => {
    const input = serial("root", [exec("a", "x", { env: { "1A": "x" } }), exec("b", "x", { tags: ["ok", 5] }), exec("c", "x", { image: { image: "a", dockerfile: "b" } })]);
    expect(errorOf(validatePipeline(input))).toBe(
      '/a: env["1A"]: an environment variable name is letters, digits and _; /b: tags[1]: expected string, got number 5; /c: image: an image names at most one of image, dockerfile and dockerfileText',
    );
  });

  it("shows only the first few problems on one line, with a count of the rest", () => {
    const input = serial("root", Array.from({ length: 6 }, (_, i) => exec(`n${i}`, "")));
    const error = errorOf(validatePipeline(input));
    expect(error).toBe(
      "/n0: command: a command cannot be empty; /n1: command: a command cannot be empty; /n2: command: a command cannot be empty; and 3 more problems",
    );
    expect(error).not.toContain("\n");
  });

  it("keeps messages on one line even when a value holds newlines", () => {
    const error = errorOf(validatePipeline(serial("root", [{ type: "exec\nrm", name: "x", command: "true" }])));
    expect(error).not.toMatch(/[\r\n]/);
  });

  it("checks parameters on containers as well as on execs", () => {
    const input = serial("root", [parallel("tests", [exec("unit")], { maxConcurrent: 0, maxTime: "soon" })]);
    expect(errorOf(validatePipeline(input))).toMatch(/^\/tests: maxConcurrent: .*; \/tests: maxTime: a duration such as 90s, 10m or 4h$/);
  });
});

describe("parsePipelineJson", () => {
  it("parses and validates JSON text", () => {
    const text = JSON.stringify(serial("root", [exec("build", "make")]));
    expect(parsePipelineJson(text)).toMatchObject({ ok: true, nodeCount: 2 });
  });

  it("accepts a byte-order mark and surrounding whitespace", () => {
    expect(parsePipelineJson(`\uFEFF\n  ${JSON.stringify(exec("a"))}\n\n`).ok).toBe(true);
  });

  it("reports a syntax error with its line and column", () => {
    const text = '{\n  "type": "serial",\n  "name": "root",\n  "children": [1, 2,]\n}';
    expect(parsePipelineJson(text)).toEqual({ ok: false, error: 'pipeline JSON is invalid at line 4, column 21: unexpected "]", expected a value' });
  });

  it("reports truncated JSON, trailing text and bad strings precisely", () => {
    expect(parsePipelineJson('{"type": "exec"')).toEqual({ ok: false, error: 'pipeline JSON is invalid at line 1, column 16: unexpected end of input, expected "," or "}"' });
    expect(parsePipelineJson('{"a": 1}\nnot json')).toEqual({
      ok: false,
      error: 'pipeline JSON is invalid at line 2, column 1: unexpected "n", expected the end of input after the pipeline object',
    });
    expect(parsePipelineJson("{'a': 1}")).toEqual({ ok: false, error: `pipeline JSON is invalid at line 1, column 2: unexpected "'", expected a property name in double quotes` });
    expect(parsePipelineJson('{"a": "x\ty"}')).toEqual({ ok: false, error: "pipeline JSON is invalid at line 1, column 9: control character in a string (escape it, e.g. \\n)" });
    expect(parsePipelineJson('{"a": "\\q"}')).toEqual({ ok: false, error: "pipeline JSON is invalid at line 1, column 8: invalid escape in a string" });
    expect(parsePipelineJson('{"a": "open')).toEqual({ ok: false, error: "pipeline JSON is invalid at line 1, column 7: unterminated string" });
  });

  it("says so when the text is empty", () => {
    expect(parsePipelineJson("  \n")).toEqual({ ok: false, error: "pipeline JSON is empty: expected a pipeline object" });
  });

  it("refuses text over the byte limit before parsing it", () => {
    const text = JSON.stringify(exec("a", "x".repeat(2000)));
    expect(parsePipelineJson(text, { maxBytes: 1024 * 1024 }).ok).toBe(true);
    expect(parsePipelineJson(text, { maxBytes: 1000 })).toEqual({ ok: false, error: `pipeline JSON is larger than 1000 bytes (at least ${text.length} bytes)` });
  });

  it("counts the limit in UTF-8 bytes, not characters", () => {
    const text = JSON.stringify(exec("a", "é".repeat(600)));
    expect(text.length).toBeLessThan(1000);
    expect(parsePipelineJson(text, { maxBytes: 1000 })).toEqual({ ok: false, error: `pipeline JSON is larger than 1000 bytes (${Buffer.byteLength(text)} bytes)` });
  });

  it("applies the node and depth limits to parsed text", () => {
    const deep = `${'{"type":"serial","name":"s","children":['.repeat(100)}{"type":"exec","name":"x","command":"y"}${"]}".repeat(100)}`;
    expect(parsePipelineJson(deep)).toMatchObject({ ok: false, error: `pipeline is nested deeper than 64 levels at ${"/s".repeat(64)}` });
  });
});
