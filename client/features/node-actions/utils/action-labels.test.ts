import { describe, expect, it } from "vitest";
import { actionLabel, confirmTitle, describeAction, needsConfirmation } from "./action-labels";
import { nodeActionAvailability } from "./action-availability";

describe("action labels", () => {
  it("names every action and asks before the ones that throw work away", () => {
    expect(actionLabel("modify")).toBe("Save and rerun");
    expect(needsConfirmation("rerun")).toBe(true);
    expect(needsConfirmation("kill")).toBe(true);
    expect(needsConfirmation("skip")).toBe(false);
    expect(confirmTitle({ action: "kill", path: "/" })).toBe("Kill all running nodes?");
    expect(confirmTitle({ action: "rerun", path: "/build" })).toBe("Rerun /build?");
    expect(describeAction({ action: "rerunFailed" })).toMatch(/failed/);
  });
});

describe("nodeActionAvailability", () => {
  const exec = (state: Parameters<typeof nodeActionAvailability>[1]["state"], skipped = false) => ({ type: "exec" as const, state, skipped });

  it("allows rerun and modify only when the engine does not hold the node, kill only when it does", () => {
    expect(nodeActionAvailability("rerun", exec("error")).enabled).toBe(true);
    expect(nodeActionAvailability("rerun", exec("running")).enabled).toBe(false);
    expect(nodeActionAvailability("kill", exec("running")).enabled).toBe(true);
    expect(nodeActionAvailability("kill", exec("queued")).enabled).toBe(true);
    expect(nodeActionAvailability("kill", exec("done")).enabled).toBe(false);
    expect(nodeActionAvailability("modify", exec("error")).enabled).toBe(true);
    expect(nodeActionAvailability("modify", exec("running")).enabled).toBe(false);
  });

  it("offers modify on Exec nodes only, and skip or unskip by the flag", () => {
    expect(nodeActionAvailability("modify", { type: "serial", state: "error", skipped: false }).enabled).toBe(false);
    expect(nodeActionAvailability("skip", exec("error")).enabled).toBe(true);
    expect(nodeActionAvailability("unskip", exec("error")).enabled).toBe(false);
    expect(nodeActionAvailability("unskip", exec("error", true)).enabled).toBe(true);
  });
});
