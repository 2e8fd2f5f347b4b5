import type { ErrorRequestHandler, RequestHandler } from "express";
import type { z } from "zod";
import type { ApiError } from "../../shared/api/api-contract";
import { ActionError } from "../engine";
import { LaunchError } from "../integrations/cfg-launcher";

/** An error the API answers with its status and message (the ApiError shape). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
  }
}

export function body(error: HttpError): ApiError {
  return { error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } };
}

/** Parses a request part with the shared schema; a mismatch is a 400 naming each field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`);
  throw new HttpError(400, "invalid_request", `invalid ${what}: ${issues.slice(0, 3).join("; ")}`, issues);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, "not_found", `no route ${req.method} ${req.path}`));
};

export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  let http: HttpError;
  if (error instanceof HttpError) http = error;
  else if (error instanceof ActionError) http = new HttpError(error.status, error.status === 404 ? "not_found" : "cannot_apply", error.message);
  else if (error instanceof LaunchError) http = new HttpError(400, "bad_launch", error.message);
  else if (isBodyParserError(error)) http = new HttpError(error.status, error.type ?? "bad_body", error.status === 413 ? "request body too large" : `malformed request body: ${error.message}`);
  else {
    console.error("baton: unexpected error in a request", error);
    http = new HttpError(500, "internal", "internal error; the server log has details");
  }
  if (res.headersSent) return;
  res.status(http.status).json(body(http));
};

function isBodyParserError(error: unknown): error is { status: number; type?: string; message: string } {
  return typeof error === "object" && error !== null && "status" in error && typeof (error as { status: unknown }).status === "number" && "type" in error;
}
