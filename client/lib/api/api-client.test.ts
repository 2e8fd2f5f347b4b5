import { describe, expect, it } from "vitest";
import { apiUrl, errorFromResponse } from "./api-client";

describe("errorFromResponse", () => {
  it("carries the ApiError message, with the issues it does not already say", () => {
    const error = errorFromResponse(400, "Bad Request", { error: { code: "invalid_request", message: "invalid action", issues: ["path: must start with /"] } });
    expect(error.message).toBe("invalid action: path: must start with /");
    expect(error).toMatchObject({ status: 400, code: "invalid_request", issues: ["path: must start with /"] });
    const repeated = errorFromResponse(400, "", { error: { code: "x", message: "invalid action: path: bad", issues: ["path: bad"] } });
    expect(repeated.message).toBe("invalid action: path: bad");
  });

  it("falls back to the status when the body is not an ApiError", () => {
    expect(errorFromResponse(502, "Bad Gateway", "<html>").message).toBe("502 Bad Gateway");
  });
});

describe("apiUrl", () => {
  it("encodes the parameters it is given and leaves out empty ones", () => {
    expect(apiUrl("/api/pipelines/p1/logs", { path: "/a b", attempt: 2, from: 0, skip: undefined, empty: "" })).toBe("/api/pipelines/p1/logs?path=%2Fa+b&attempt=2&from=0");
    expect(apiUrl("/api/pipelines")).toBe("/api/pipelines");
  });
});
