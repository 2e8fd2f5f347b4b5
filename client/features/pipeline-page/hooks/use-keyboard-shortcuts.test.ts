import { describe, expect, it } from "vitest";
import { shortcutFor } from "./use-keyboard-shortcuts";

const press = (key: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: unknown }> = {}) =>
  shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, target: null, ...extra } as Parameters<typeof shortcutFor>[0]);

describe("shortcutFor", () => {
  it("maps j, k, e, r and / to their actions", () => {
    expect(press("j")).toBe("next");
    expect(press("k")).toBe("previous");
    expect(press("e")).toBe("nextError");
    expect(press("r")).toBe("rerun");
    expect(press("/")).toBe("search");
    expect(press("x")).toBeNull();
  });

  it("ignores keys typed into fields and keys with modifiers", () => {
    expect(press("j", { target: { tagName: "INPUT" } })).toBeNull();
    expect(press("r", { target: { tagName: "TEXTAREA" } })).toBeNull();
    expect(press("e", { target: { tagName: "DIV", isContentEditable: true } })).toBeNull();
    expect(press("r", { ctrlKey: true })).toBeNull();
    expect(press("j", { target: { tagName: "DIV", isContentEditable: false } })).toBe("next");
  });
});
