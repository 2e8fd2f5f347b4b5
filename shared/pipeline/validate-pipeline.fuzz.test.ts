import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePipelineJson, validatePipeline } from "./validate-pipeline";

/** Hostile and random inputs: the validator answers every one with ok or a message, quickly, and never throws. */

const node: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ type: fc.constantFrom("exec", "lazy", "bogus"), name: fc.string(), command: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)) }, { requiredKeys: [] }),
    fc.record(
      {
        type: fc.constantFrom("serial", "parallel"),
        name: fc.string(),
        children: fc.array(tie("node"), { maxLength: 4 }),
        maxConcurrent: fc.oneof(fc.integer(), fc.double(), fc.string()),
        maxTime: fc.oneof(fc.string(), fc.constantFrom("90s", "10m", "4h", "1h30m", "-1s")),
        env: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
        image: fc.oneof(fc.string(), fc.record({ image: fc.string(), dockerfile: fc.string(), copyRepo: fc.boolean() }, { requiredKeys: [] })),
      },
      { requiredKeys: ["type"] },
    ),
    fc.anything(),
  ),
})).node;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

describe("pipeline validation under fuzzing", () => {
  it("answers 10,000 random trees with ok or a one-line error, each in well under a second", () => {
    let slowest = 0;
    fc.assert(
      fc.property(node, (input) => {
        const { value, ms } = timed(() => validatePipeline(input));
        slowest = Math.max(slowest, ms);
        if (!value.ok) {
          expect(typeof value.error).toBe("string");
          expect(value.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 10_000 },
    );
    expect(slowest).toBeLessThan(1000);
  });

  it("answers 10,000 mutated JSON texts of a valid pipeline without throwing", () => {
    const valid = JSON.stringify({
      type: "serial",
      name: "root",
      env: { CI: "1" },
      children: [
        { type: "exec", name: "build", command: "make", maxTime: "10m" },
        { type: "parallel", name: "tests", maxConcurrent: 2, children: [{ type: "exec", name: "unit", command: "make test" }, { type: "lazy", name: "gen", command: "./gen" }] },
      ],
    });
    const mutation = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 8 }), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = valid;
        for (const [at, remove, insert] of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
        const { value, ms } = timed(() => parsePipelineJson(text));
        expect(ms).toBeLessThan(1000);
        expect(typeof value.ok).toBe("boolean");
      }),
      { numRuns: 10_000 },
    );
  });

  it("refuses a tree nested far deeper than the limit without overflowing the stack", () => {
    let deep: unknown = { type: "exec", name: "leaf", command: "true" };
    for (let i = 0; i < 100_000; i++) deep = { type: "serial", name: `n${i}`, children: [deep] };
    const { value, ms } = timed(() => validatePipeline(deep));
    expect(value.ok).toBe(false);
    if (!value.ok) expect(value.error).toMatch(/deeper than 64 levels/);
    expect(ms).toBeLessThan(1000);
  });

  it("refuses more than 20,000 nodes with a clear message", () => {
    const wide = { type: "parallel", name: "r", children: Array.from({ length: 20_001 }, (_, i) => ({ type: "exec", name: `n${i}`, command: "true" })) };
    const result = validatePipeline(wide);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/more than 20000 nodes/);
  });
});
