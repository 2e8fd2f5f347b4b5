import { ImageSpec as ImageSpecSchema, NodeName, NodeParams as NodeParamsSchema } from "../pipeline/pipeline-schema";
import type { ImageSpec, NodeParams, NodeType, PipelineNode } from "../pipeline/pipeline-schema";

/**
 * The pipeline-building half of the SDK: node classes, their factories and serialisation to
 * the wire format. Nothing here touches the process (see `main.ts`).
 */

/** Children of a Serial or Parallel: an object (keys are names, in order), a `Map`, or `[name, node]` pairs. */
export type Children = Readonly<Record<string, Node>> | ReadonlyMap<string, Node> | ReadonlyArray<readonly [string, Node]>;

/** A command: a shell string (`sh -c`), or an argument list that is shell-quoted for you. */
export type Command = string | readonly string[];

/**
 * Nodes are recognised by a registered symbol rather than `instanceof`, so that a tree built
 * partly by an ESM and partly by a CommonJS copy of the SDK in one process still serialises.
 */
const NODE: unique symbol = Symbol.for("baton.sdk.node");

/**
 * True when `value` is a node built by this SDK.
 *
 * @example
 * isNode(Exec("make")); // true
 * isNode({ command: "make" }); // false
 */
export function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && (value as { [NODE]?: unknown })[NODE] === true;
}

/** Any pipeline node. Build nodes with `Serial`, `Parallel`, `Exec` and `Lazy`. */
export abstract class Node {
  readonly [NODE] = true;
  abstract readonly type: NodeType;
  /** This node's parameters; on Serial and Parallel they are defaults inherited by the subtree. */
  params: NodeParams;

  protected constructor(params: NodeParams | undefined, where: string) {
    this.params = checkParams(params ?? {}, where);
  }

  /**
   * Merges more parameters into this node and returns it. A key set to `undefined` removes
   * that parameter.
   *
   * @example
   * const test = Exec("make test").set({ retries: 2, maxTime: "10m" });
   * if (process.env.BATON_BRANCH === "main") test.set({ retries: undefined });
   */
  set(params: NodeParams): this {
    const merged: Record<string, unknown> = { ...this.params, ...checkParams(params, `${this.type}.set()`) };
    for (const [key, value] of Object.entries(params)) if (value === undefined) delete merged[key];
    this.params = merged as NodeParams;
    return this;
  }

  /**
   * The wire format of the tree under this node, as `main` prints it (this node named `root`;
   * Baton ignores the root's name). `JSON.stringify(node)` uses it.
   *
   * @example
   * Serial({ build: Exec("make") }).toJSON();
   * // { type: "serial", name: "root", children: [{ type: "exec", name: "build", command: "make" }] }
   */
  toJSON(): PipelineNode {
    return serializeTree(this);
  }

  /** This node alone in the wire format; a container's children are left empty. */
  abstract ownJSON(name: string): PipelineNode;
}

/** Serial and Parallel: nodes with named, ordered children. */
export abstract class ContainerNode extends Node {
  abstract override readonly type: "serial" | "parallel";
  readonly #children = new Map<string, Node>();
  /**
   * The children as a live, ordered object: `root.children.build = Exec("make")` adds (or
   * replaces) a child, `delete root.children.build` removes one, `Object.keys` lists names in order.
   */
  readonly children: Record<string, Node>;

  protected constructor(params: NodeParams | undefined, children: Children | undefined, where: string) {
    super(params, where);
    this.children = childrenView(this.#children, where);
    if (children !== undefined) for (const [name, node] of childEntries(children, where)) this.add(name, node);
  }

  /**
   * Adds a child under a new name and returns the child, so a subtree can be filled in place.
   * Throws if the name is taken (assigning through `children` replaces instead).
   *
   * @example
   * const root = Serial();
   * root.add("build", Exec("make"));
   * const tests = root.add("tests", Parallel());
   * for (const suite of ["unit", "e2e"]) tests.add(suite, Exec(`make ${suite}`));
   * root.children.deploy = Exec("./deploy.sh"); // Conducto's root["deploy"] = Exec(...)
   */
  add<N extends Node>(name: string, node: N): N {
    checkChild(name, node, `${this.type}.add()`);
    if (this.#children.has(name)) throw new Error(`${this.type}.add(): there is already a child named ${JSON.stringify(name)}`);
    this.#children.set(name, node);
    return node;
  }

  /**
   * The children as `[name, node]` pairs, in order.
   *
   * @example
   * for (const [name, node] of root.entries()) node.set({ tags: [name] });
   */
  entries(): Array<[string, Node]> {
    return [...this.#children.entries()];
  }

  ownJSON(name: string): PipelineNode {
    return { type: this.type, name, ...this.params, children: [] };
  }
}

export class SerialNode extends ContainerNode {
  readonly type = "serial";
  /** Use `Serial(...)`. */
  constructor(params?: NodeParams, children?: Children) {
    super(params, children, "Serial()");
  }
}

export class ParallelNode extends ContainerNode {
  readonly type = "parallel";
  /** Use `Parallel(...)`. */
  constructor(params?: NodeParams, children?: Children) {
    super(params, children, "Parallel()");
  }
}

/** Exec and Lazy: nodes that run one shell command. */
export abstract class CommandNode extends Node {
  abstract override readonly type: "exec" | "lazy";
  /** The shell command, run with `sh -c`. */
  command: string;

  protected constructor(command: Command, params: NodeParams | undefined, where: string) {
    super(params, where);
    this.command = toCommand(command, where);
  }

  ownJSON(name: string): PipelineNode {
    return { type: this.type, name, command: this.command, ...this.params };
  }
}

export class ExecNode extends CommandNode {
  readonly type = "exec";
  /** Use `Exec(...)`. */
  constructor(command: Command, params?: NodeParams) {
    super(command, params, "Exec()");
  }
}

export class LazyNode extends CommandNode {
  readonly type = "lazy";
  /** Use `Lazy(...)`. */
  constructor(command: Command, params?: NodeParams) {
    super(command, params, "Lazy()");
  }
}

/**
 * Runs its children one after another. With `stopOnError` (the default) the first failed child
 * stops the rest. Takes parameters, children, or both (parameters first).
 *
 * @example
 * const root = Serial({ image: "node:20", env: { CI: "1" } }, {
 *   build: Exec("npm run build"),
 *   test: Exec("npm test"),
 * });
 * root.add("deploy", Exec("./deploy.sh"));
 */
export function Serial(children?: Children): SerialNode;
export function Serial(params: NodeParams, children?: Children): SerialNode;
export function Serial(first?: NodeParams | Children, second?: Children): SerialNode {
  const [params, children] = splitArguments(first, second, "Serial()");
  return new SerialNode(params, children);
}

/**
 * Runs its children at the same time, at most `maxConcurrent` at once. Takes parameters,
 * children, or both (parameters first).
 *
 * @example
 * const tests = Parallel({ maxConcurrent: 4 }, {
 *   unit: Exec("npm test"),
 *   lint: Exec("npm run lint", { maxTime: "5m" }),
 * });
 */
export function Parallel(children?: Children): ParallelNode;
export function Parallel(params: NodeParams, children?: Children): ParallelNode;
export function Parallel(first?: NodeParams | Children, second?: Children): ParallelNode {
  const [params, children] = splitArguments(first, second, "Parallel()");
  return new ParallelNode(params, children);
}

/**
 * One shell command, run with `sh -c` in its image. An argument list is shell-quoted, so file
 * names with spaces or quotes stay one argument.
 *
 * @example
 * Exec("npm test", { retries: 2, maxTime: "10m" });
 * Exec(["node", "--test", "test/my file.test.js"]); // node --test 'test/my file.test.js'
 */
export function Exec(command: Command, params?: NodeParams): ExecNode {
  return new ExecNode(command, params);
}

/**
 * A dynamic subtree: runs `command` when the pipeline reaches it and grafts the pipeline the
 * command prints (JSON on stdout) in its place. Baton runs the command as a generate step
 * (`BATON_GENERATE=1`), so a script that ends with `main(tree)` prints exactly that.
 *
 * @example
 * // ci/tests.ts: one node per test file, found when the pipeline runs.
 * //   const files = readdirSync("test").filter((f) => f.endsWith(".test.js"));
 * //   main(Parallel(files.map((f) => [f, Exec(["node", "--test", `test/${f}`])])));
 * root.add("tests", Lazy("node ci/tests.ts", { image: "node:20" }));
 */
export function Lazy(command: Command, params?: NodeParams): LazyNode {
  return new LazyNode(command, params);
}

/**
 * Describes where Exec nodes run: an image by name, a Dockerfile in the repository, or
 * Dockerfile text; `copyRepo` puts the repository at the pipeline's commit in `/workspace`.
 * Checks the description at once and returns it, ready for the `image` parameter.
 *
 * @example
 * const node = Image({ image: "node:20", copyRepo: true });
 * const custom = Image({ dockerfile: "ci/Dockerfile", context: "." });
 * Serial({ image: node }, { test: Exec("npm test") });
 */
export function Image(spec: ImageSpec | string): ImageSpec {
  const full = typeof spec === "string" ? { image: spec } : spec;
  const result = ImageSpecSchema.safeParse(full);
  if (!result.success) throw new TypeError(`Image(): ${describeZodError(result.error.issues)}`);
  return Object.freeze({ ...result.data, ...(result.data.env ? { env: Object.freeze({ ...result.data.env }) } : {}) });
}

/**
 * Quotes one word for `sh`: safe words stay as they are, anything else is single-quoted.
 *
 * @example
 * Exec(`cd ${shellQuote(dir)} && make`);
 */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------

/** The name the SDK gives the root; Baton addresses the root as `/` whatever its name. */
export const ROOT_NAME = "root";

/** Thrown when a tree cannot be turned into the wire format (a node containing itself). */
export class PipelineBuildError extends Error {}

/**
 * The wire format of the tree under `root`, built without recursion (a generated tree can be
 * deep). A node may appear in several places (it is copied), but not inside itself.
 */
export function serializeTree(root: Node, name: string = ROOT_NAME, maxNodes = Number.POSITIVE_INFINITY): PipelineNode {
  const rootJson = root.ownJSON(name);
  if (!hasChildren(root)) return rootJson;
  interface Frame {
    node: Node & { entries(): Array<[string, Node]> };
    json: { children: PipelineNode[] };
    entries: Array<[string, Node]>;
    next: number;
    path: string;
  }
  const onPath = new Set<Node>([root]);
  const stack: Frame[] = [{ node: root, json: rootJson as { children: PipelineNode[] }, entries: root.entries(), next: 0, path: "" }];
  let count = 1;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const entry = frame.entries[frame.next];
    if (entry === undefined) {
      onPath.delete(frame.node);
      stack.pop();
      continue;
    }
    frame.next += 1;
    const [childName, child] = entry;
    const childPath = `${frame.path}/${childName}`;
    count += 1;
    if (count > maxNodes) throw new PipelineBuildError(`pipeline has more than ${maxNodes} nodes`);
    if (onPath.has(child)) throw new PipelineBuildError(`${childPath}: a node cannot contain itself`);
    const childJson = child.ownJSON(childName);
    frame.json.children.push(childJson);
    if (hasChildren(child)) {
      onPath.add(child);
      stack.push({ node: child, json: childJson as { children: PipelineNode[] }, entries: child.entries(), next: 0, path: childPath });
    }
  }
  return rootJson;
}

function hasChildren(node: Node): node is Node & { entries(): Array<[string, Node]> } {
  return typeof (node as { entries?: unknown }).entries === "function";
}

/** Tells `Serial(params, children)` from `Serial(children)`: children are all nodes. */
function splitArguments(first: NodeParams | Children | undefined, second: Children | undefined, where: string): [NodeParams | undefined, Children | undefined] {
  if (second !== undefined) return [first as NodeParams | undefined, second];
  if (first === undefined || first === null) return [undefined, undefined];
  if (typeof first !== "object") throw new TypeError(`${where}: expected parameters or children, got ${typeof first}`);
  if (Array.isArray(first) || first instanceof Map) return [undefined, first as Children];
  const values = Object.values(first);
  if (values.length > 0 && values.every(isNode)) return [undefined, first as Children];
  return [first as NodeParams, undefined];
}

function childEntries(children: Children, where: string): Iterable<readonly [string, Node]> {
  if (Array.isArray(children)) {
    return (children as ReadonlyArray<readonly [string, Node]>).map((pair, index) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${where}: child ${index} should be a [name, node] pair`);
      return pair;
    });
  }
  if (children instanceof Map) return children.entries();
  if (typeof children !== "object" || children === null) throw new TypeError(`${where}: children should be an object of named nodes`);
  return Object.entries(children as Record<string, Node>);
}

function checkChild(name: unknown, node: unknown, where: string): asserts name is string {
  const result = NodeName.safeParse(name);
  if (!result.success) throw new TypeError(`${where}: ${JSON.stringify(name)} is not a valid node name: ${result.error.issues[0]?.message ?? "invalid"}`);
  if (!isNode(node)) {
    throw new TypeError(`${where}: the child ${JSON.stringify(name)} is not a node (build one with Exec, Serial, Parallel or Lazy)`);
  }
}

/** Unknown keys are refused, so that a typo (`maxtime`) is an error rather than ignored. */
const StrictParams = NodeParamsSchema.strict();

function checkParams(params: unknown, where: string): NodeParams {
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw new TypeError(`${where}: parameters should be an object`);
  const result = StrictParams.safeParse(params);
  if (!result.success) throw new TypeError(`${where}: ${describeZodError(result.error.issues)}`);
  // Keep the caller's key order and drop keys set to undefined (`skip: cond ? true : undefined`).
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result.data)) if (value !== undefined) clean[key] = value;
  return clean as NodeParams;
}

function toCommand(command: Command, where: string): string {
  if (Array.isArray(command)) {
    if (command.length === 0) throw new TypeError(`${where}: the argument list is empty`);
    for (const word of command) if (typeof word !== "string") throw new TypeError(`${where}: every argument must be a string`);
    return (command as readonly string[]).map(shellQuote).join(" ");
  }
  if (typeof command !== "string") throw new TypeError(`${where}: the command should be a string or a list of arguments`);
  if (command.trim() === "") throw new TypeError(`${where}: the command is empty`);
  return command;
}

function describeZodError(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string; code: string; keys?: string[] }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      if (issue.code === "unrecognized_keys" && issue.keys) return `unknown parameter ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`;
      const field = issue.path.map(String).join(".");
      const message = issue.message.replace(/^Invalid input: /, "");
      return field === "" ? message : `${field}: ${message}`;
    })
    .join("; ");
}

/**
 * A live object view of a container's children. A Proxy rather than a plain object so that
 * names keep insertion order even when they look like numbers ("1", "2") and every
 * assignment is checked.
 */
function childrenView(map: Map<string, Node>, where: string): Record<string, Node> {
  const target: Record<string, Node> = Object.create(null) as Record<string, Node>;
  return new Proxy(target, {
    get: (_target, key) => (typeof key === "string" ? map.get(key) : undefined),
    set: (_target, key, value) => {
      if (typeof key !== "string") return false;
      checkChild(key, value, `${where}.children`);
      map.set(key, value as Node);
      return true;
    },
    has: (_target, key) => typeof key === "string" && map.has(key),
    deleteProperty: (_target, key) => {
      if (typeof key === "string") map.delete(key);
      return true;
    },
    ownKeys: () => [...map.keys()],
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === "string" && map.has(key) ? { value: map.get(key), writable: true, enumerable: true, configurable: true } : undefined,
    defineProperty: () => false,
  });
}
