import { describe, expect, it } from "vitest";
import { CfgError, CfgValueError, columnOf } from "./cfg-error";

describe("CfgError", () => {
  it("prefixes the default file name and the line when the line is known", () => {
    const error = new CfgError("unknown key", 7);
    expect(error.message).toBe(".conducto.cfg:7: unknown key");
    expect(error.reason).toBe("unknown key");
    expect(error.line).toBe(7);
  });

  it("uses the given file name in the prefix", () => {
    expect(new CfgError("bad", 3, "ci/other.cfg").message).toBe("ci/other.cfg:3: bad");
  });

  it("names only the file when the line is unknown but the file is given", () => {
    expect(new CfgError("too large", null, "x.cfg").message).toBe("x.cfg: too large");
  });

  it("is just the reason when neither line nor file is known", () => {
    const error = new CfgError("oops");
    expect(error.message).toBe("oops");
    expect(error.line).toBeNull();
    expect(error.fileName).toBeUndefined();
  });

  it("is an Error whose name says CfgError", () => {
    const error = new CfgError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CfgError");
  });
});

describe("CfgValueError", () => {
  it("is a CfgError that reports the value kind and the column", () => {
    const error = new CfgValueError("filter", "expected a glob", 12, 13, 4);
    expect(error).toBeInstanceOf(CfgError);
    expect(error.message).toBe(".conducto.cfg:4: filter column 13: expected a glob");
    expect(error.offset).toBe(12);
    expect(error.column).toBe(13);
  });
});

describe("columnOf", () => {
  it("counts from the last newline before the offset", () => {
    expect(columnOf("abc", 0)).toBe(1);
    expect(columnOf("abc", 2)).toBe(3);
    expect(columnOf("ab\ncd", 4)).toBe(2);
    expect(columnOf("ab\ncd", 3)).toBe(1);
  });
});
