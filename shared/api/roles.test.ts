import { describe, expect, it } from "vitest";
import { roleCan, rolesThatCan } from "./roles";

describe("roleCan", () => {
  it("gives viewers reading, operators also operating, admins everything", () => {
    expect(rolesThatCan("read")).toEqual(["admin", "operator", "viewer"]);
    expect(rolesThatCan("operate")).toEqual(["admin", "operator"]);
    expect(rolesThatCan("administer")).toEqual(["admin"]);
    expect(roleCan("viewer", "operate")).toBe(false);
    expect(roleCan("operator", "administer")).toBe(false);
  });
});
