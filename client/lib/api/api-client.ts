import { ApiError } from "../../../shared/api/api-contract";

/** An /api request that failed; `message` is the server's ApiError message, ready to show. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: readonly string[];

  constructor(message: string, status: number, code: string, issues: readonly string[] = []) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever any request answers 401: the session is gone and the app returns to sign-in. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface ApiRequestInit {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

/** Builds `/api/...?k=v` leaving out undefined and empty values. */
export function apiUrl(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** The message of an error body, ApiError-shaped or not. */
export function errorFromResponse(status: number, statusText: string, body: unknown): ApiRequestError {
  const parsed = ApiError.safeParse(body);
  if (parsed.success) {
    const { code, message, issues = [] } = parsed.data.error;
    const unsaid = issues.filter((issue) => !message.includes(issue));
    const text = unsaid.length > 0 ? `${message}: ${unsaid.join("; ")}` : message;
    return new ApiRequestError(text, status, code, issues);
  }
  return new ApiRequestError(`${status} ${statusText || "request failed"}`.trim(), status, "http_error");
}

/** JSON in, JSON out; any non-2xx status throws an ApiRequestError carrying the server's message. */
export async function apiFetch<T>(path: string, init: ApiRequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      signal: init.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiRequestError("The server cannot be reached", 0, "network_error");
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    throw errorFromResponse(response.status, response.statusText, body);
  }
  return body as T;
}

export function isApiRequestError(error: unknown): error is ApiRequestError {
  return error instanceof ApiRequestError;
}
