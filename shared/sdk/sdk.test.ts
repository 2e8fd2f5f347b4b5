import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NodeParams, PipelineNode } from "../pipeline/pipeline-schema";
import { validatePipeline } from "../pipeline/validate-pipeline";
import * as sdk from "./index";
import { Exec, Image, Lazy, Parallel, Serial, renderTree, shellQuote } from "./index";
import { runMain } from "./main";
import type { MainIo } from "./main";

function readme() {
  const image = Image({ image: "node:20", copyRepo: true });
  return Serial({ image, env: { CI: "1" } }, {
    build: Exec("npm run build"),
    tests: Parallel({ maxConcurrent: 4 }, { unit: Exec("npm test"), lint: Exec("npm run lint", { maxTime: "5m" }) }),
    deploy: Exec("./deploy.sh", { skip: true }),
  });
}

function run(root: sdk.Node, options: { argv?: string[]; env?: Record<string, string> } = {}) {
  let stdout = "";
  let stderr = "";
  const io: MainIo = { argv: options.argv ?? [], env: options.env ?? {}, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const status = runMain(root, io);
  return { status, stdout, stderr };
}

describe("building a pipeline", () => {
  it("serialises the declarative form to the wire format", () => {
    expect(readme().toJSON()).toEqual({
      type: "serial",
      name: "root",
      image: { image: "node:20", copyRepo: true },
      env: { CI: "1" },
      children: [
        { type: "exec", name: "build", command: "npm run build" },
        {
          type: "parallel",
          name: "tests",
          maxConcurrent: 4,
          children: [
            { type: "exec", name: "unit", command: "npm test" },
            { type: "exec", name: "lint", command: "npm run lint", maxTime: "5m" },
          ],
        },
        { type: "exec", name: "deploy", command: "./deploy.sh", skip: true },
      ],
    });
  });

  it("builds the same tree imperatively with add() and with children assignment", () => {
    const root = Serial({ image: Image({ image: "node:20", copyRepo: true }), env: { CI: "1" } });
    root.add("build", Exec("npm run build"));
    const tests = root.add("tests", Parallel({ maxConcurrent: 4 }));
    tests.children.unit = Exec("npm test");
    tests.children["lint"] = Exec("npm run lint", { maxTime: "5m" });
    root.children.deploy = Exec("./deploy.sh", { skip: true });
    expect(root.toJSON()).toEqual(readme().toJSON());
    expect(JSON.parse(JSON.stringify(root))).toEqual(readme().toJSON());
  });

  it("tells children from parameters when a container gets one argument", () => {
    expect(Serial({ a: Exec("x") }).toJSON()).toEqual({ type: "serial", name: "root", children: [{ type: "exec", name: "a", command: "x" }] });
    expect(Parallel({ maxConcurrent: 2 }).toJSON()).toEqual({ type: "parallel", name: "root", maxConcurrent: 2, children: [] });
    expect(Serial().toJSON()).toEqual({ type: "serial", name: "root", children: [] });
    // A child may be called like a parameter.
    expect(Serial({ env: Exec("printenv") }).toJSON()).toMatchObject({ children: [{ name: "env" }] });
  });

  it("accepts children as [name, node] pairs or a Map, keeping their order", () => {
    const pairs = Serial([["b", Exec("b")], ["a", Exec("a")]]);
    const map = Parallel(new Map([["z", Exec("z")], ["y", Exec("y")]]));
    expect(pairs.toJSON()).toMatchObject({ children: [{ name: "b" }, { name: "a" }] });
    expect(map.toJSON()).toMatchObject({ children: [{ name: "z" }, { name: "y" }] });
  });

  it("keeps insertion order for names that look like numbers", () => {
    const root = Serial();
    root.children["10"] = Exec("ten");
    root.children["2"] = Exec("two");
    root.add("b", Exec("b"));
    root.add("1", Exec("one"));
    expect(Object.keys(root.children)).toEqual(["10", "2", "b", "1"]);
    expect((root.toJSON() as { children: PipelineNode[] }).children.map((child) => child.name)).toEqual(["10", "2", "b", "1"]);
  });

  it("replaces a child on assignment, refuses a taken name in add(), and removes one on delete", () => {
    const root = Serial({ a: Exec("first") });
    root.children.a = Exec("second");
    expect(root.children.a).toMatchObject({ command: "second" });
    expect(() => root.add("a", Exec("third"))).toThrow('serial.add(): there is already a child named "a"');
    delete root.children.a;
    expect("a" in root.children).toBe(false);
    expect(root.entries()).toEqual([]);
  });

  it("refuses invalid child names and values that are not nodes", () => {
    expect(() => Serial().add("a/b", Exec("x"))).toThrow(/"a\/b" is not a valid node name: a node name cannot contain '\/'/);
    expect(() => Serial().add("", Exec("x"))).toThrow(/is not a valid node name/);
    const root = Serial();
    expect(() => {
      (root.children as Record<string, unknown>).x = "echo hi";
    }).toThrow(/the child "x" is not a node/);
  });

  it("supports every node parameter and serialises each one", () => {
    const params: Required<NodeParams> = {
      env: { A: "1" },
      image: { dockerfile: "ci/Dockerfile", context: ".", env: { B: "2" } },
      skip: false,
      stopOnError: false,
      sameContainer: true,
      suppressErrors: true,
      maxConcurrent: 3,
      maxTime: "1h30m",
      cpu: 2,
      mem: 4,
      retries: 2,
      doc: "# Deploys\nto *production*",
      title: "Deploy",
      tags: ["deploy", "prod"],
    };
    for (const node of [Serial(params), Parallel(params), Exec("x", params), Lazy("x", params)]) {
      const json = node.toJSON();
      expect(json).toMatchObject(params);
      expect(validatePipeline(json).ok).toBe(true);
    }
  });

  it("checks parameters where the node is built, so the stack points at the mistake", () => {
    expect(() => Exec("x", { maxtime: "5m" } as NodeParams)).toThrow('Exec(): unknown parameter "maxtime"');
    expect(() => Exec("x", { maxTime: "5 minutes" })).toThrow("Exec(): maxTime: a duration such as 90s, 10m or 4h");
    expect(() => Parallel({ maxConcurrent: 0 })).toThrow(/^Parallel\(\): maxConcurrent: /);
    expect(() => Serial({ env: { "BAD-NAME": "x" } })).toThrow(/Serial\(\): env/);
    expect(() => Exec("")).toThrow("Exec(): the command is empty");
  });

  it("drops parameters set to undefined, and set() merges and removes", () => {
    const node = Exec("x", { skip: undefined, retries: 1 });
    expect(node.toJSON()).toEqual({ type: "exec", name: "root", command: "x", retries: 1 });
    node.set({ maxTime: "5m" }).set({ retries: undefined });
    expect(node.params).toEqual({ maxTime: "5m" });
  });

  it("shell-quotes an argument list", () => {
    expect(Exec(["node", "--test", "test/my file.js", "it's"]).command).toBe(`node --test 'test/my file.js' 'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("a-b_c/d.e:1,2@x%y+z=w")).toBe("a-b_c/d.e:1,2@x%y+z=w");
    expect(shellQuote("$(id)")).toBe("'$(id)'");
  });

  it("serialises a lazy node with its command", () => {
    expect(Serial({ tests: Lazy("node ci/tests.ts", { image: "node:20" }) }).toJSON()).toMatchObject({
      children: [{ type: "lazy", name: "tests", command: "node ci/tests.ts", image: "node:20" }],
    });
  });

  it("validates images at once and freezes them", () => {
    expect(Image("alpine:3.20")).toEqual({ image: "alpine:3.20" });
    expect(Object.isFrozen(Image({ image: "node:20" }))).toBe(true);
    expect(() => Image({ image: "a", dockerfile: "b" })).toThrow("Image(): an image names at most one of image, dockerfile and dockerfileText");
    expect(() => Image({ imag: "node:20" } as never)).toThrow('Image(): unknown parameter "imag"');
  });

  it("copies a node used in two places, and refuses a node inside itself", () => {
    const shared = Exec("make lint");
    expect(Serial({ a: Serial({ lint: shared }), b: Serial({ lint: shared }) }).toJSON()).toMatchObject({
      children: [{ children: [{ command: "make lint" }] }, { children: [{ command: "make lint" }] }],
    });
    const root = Serial();
    const inner = root.add("inner", Parallel());
    inner.add("loop", root);
    expect(() => root.toJSON()).toThrow("/inner/loop: a node cannot contain itself");
  });

  it("serialises a tree deeper than the call stack allows", () => {
    const root = Serial();
    let at = root;
    for (let level = 0; level < 50_000; level += 1) at = at.add("s", Serial());
    expect(() => root.toJSON()).not.toThrow();
  });
});

describe("renderTree", () => {
  it("prints the tree indented, with name, type, command and key parameters", () => {
    expect(renderTree(readme().toJSON())).toBe(
      [
        "/ serial (image node:20 with repo, env CI)",
        "  build  exec  npm run build",
        "  tests  parallel (maxConcurrent 4)",
        "    unit  exec  npm test",
        "    lint  exec  npm run lint (maxTime 5m)",
        "  deploy  exec  ./deploy.sh (skipped)",
        "",
      ].join("\n"),
    );
  });

  it("shows the first line of a long command and makes control characters visible", () => {
    const text = renderTree(Serial({ script: Exec("set -e\nmake\nmake test"), odd: Exec("echo \u001b[31mred") }).toJSON());
    expect(text).toContain("  script  exec  set -e …\n");
    expect(text).toContain("  odd  exec  echo \\u001b[31mred\n");
  });
});

describe("main", () => {
  it("prints only the pipeline JSON when Baton generates (BATON_GENERATE=1)", () => {
    const result = run(readme(), { env: { BATON_GENERATE: "1" } });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout.endsWith("\n")).toBe(true);
    expect(JSON.parse(result.stdout)).toEqual(readme().toJSON());
  });

  it("prints the JSON with --json as well", () => {
    expect(JSON.parse(run(readme(), { argv: ["--branch", "main", "--json"] }).stdout)).toEqual(readme().toJSON());
  });

  it("prints the tree as text when run by hand", () => {
    const result = run(readme());
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(renderTree(readme().toJSON()));
  });

  it("prints one line on stderr and nothing on stdout for an invalid pipeline", () => {
    const root = Serial({ build: Exec("make") });
    (root.children.build as sdk.ExecNode).command = "";
    const result = run(root, { env: { BATON_GENERATE: "1" } });
    expect(result).toEqual({ status: 1, stdout: "", stderr: "baton: invalid pipeline: /build: command: a command cannot be empty\n" });
  });

  it("refuses a pipeline over the node limit without building all of it", () => {
    const root = Parallel();
    for (let i = 0; i < 20_000; i += 1) root.add(`n${i}`, Exec("true"));
    const result = run(root);
    expect(result).toEqual({ status: 1, stdout: "", stderr: "baton: invalid pipeline: pipeline has more than 20000 nodes\n" });
  });

  it("explains a call without a node", () => {
    expect(run({} as sdk.Node).stderr).toMatch(/main\(\) expects the pipeline's root node/);
  });
});

describe("the \"baton\" module declaration", () => {
  it("declares every value the SDK exports", () => {
    const declaration = readFileSync(new URL("./baton-module.d.ts", import.meta.url), "utf8");
    const declared = [...declaration.matchAll(/export const (\w+):/g)].map((match) => match[1]);
    expect(declared.sort()).toEqual(Object.keys(sdk).sort());
  });
});
