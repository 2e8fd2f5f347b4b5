import { describe, expect, it } from "vitest";
import { IntakeGate } from "./index";

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("IntakeGate", () => {
  it("lets a delivery that came alone be processed as soon as its answer is out", async () => {
    const gate = new IntakeGate();
    const answered = gate.enter();
    const arrived = gate.arrived;
    const waiting = gate.quiet(Date.now() + 1_000, arrived);
    await settle(1);
    const out = performance.now();
    answered();
    await waiting;
    expect(performance.now() - out).toBeLessThan(35);
  });

  it("holds a delivery's processing while the requests of a burst arrive, until the receiver is calm", async () => {
    const gate = new IntakeGate();
    const first = gate.enter();
    const arrived = gate.arrived;
    const second = gate.enter();
    first();
    const started = performance.now();
    const waiting = gate.quiet(Date.now() + 1_000, arrived);
    await settle(20);
    second();
    const calmFrom = performance.now();
    await waiting;
    expect(performance.now() - calmFrom).toBeGreaterThanOrEqual(35);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
