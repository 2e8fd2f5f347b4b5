import type { z } from "zod";
import { ALL_REPOSITORY_EVENTS, RepositoryCreate, RepositoryUpdate } from "../../../../shared/api/repositories";
import type { RepositoryEvent, RepositoryView, RepositoryWithSecret } from "../../../../shared/api/repositories";

/** What the add and edit forms hold; the token is write-only, so it always starts empty. */
export interface RepositoryFormValues {
  name: string;
  cloneUrl: string;
  defaultBranch: string;
  events: RepositoryEvent[];
  /** Empty: no token (create) or unchanged (edit). */
  accessToken: string;
  /** Edit only: remove the token that is set. */
  clearToken: boolean;
  apiBaseUrl: string;
}

export const DEFAULT_API_BASE_URL = "https://api.github.com";

export const EMPTY_REPOSITORY_FORM: RepositoryFormValues = {
  name: "",
  cloneUrl: "",
  defaultBranch: "main",
  events: [...ALL_REPOSITORY_EVENTS],
  accessToken: "",
  clearToken: false,
  apiBaseUrl: DEFAULT_API_BASE_URL,
};

export type FormOutcome<T> = { ok: true; value: T } | { ok: false; issues: string[] };

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  cloneUrl: "Clone URL",
  defaultBranch: "Default branch",
  events: "Events",
  accessToken: "Access token",
  apiBaseUrl: "GitHub API base URL",
};

export function formFromRepository(repository: RepositoryView): RepositoryFormValues {
  return {
    name: repository.name,
    cloneUrl: repository.cloneUrl,
    defaultBranch: repository.defaultBranch,
    events: orderedEvents(repository.events),
    accessToken: "",
    clearToken: false,
    apiBaseUrl: repository.apiBaseUrl,
  };
}

/** The events in the order the form lists them, each once. */
export function orderedEvents(events: readonly RepositoryEvent[]): RepositoryEvent[] {
  return ALL_REPOSITORY_EVENTS.filter((event) => events.includes(event));
}

export function toggleEvent(events: readonly RepositoryEvent[], event: RepositoryEvent, on: boolean): RepositoryEvent[] {
  return orderedEvents(on ? [...events, event] : events.filter((e) => e !== event));
}

/** The body of POST /api/repositories, checked with the schema the server uses. */
export function createRequestFrom(values: RepositoryFormValues): FormOutcome<RepositoryCreate> {
  const input = {
    name: values.name.trim(),
    cloneUrl: values.cloneUrl.trim(),
    defaultBranch: values.defaultBranch.trim() || undefined,
    events: orderedEvents(values.events),
    apiBaseUrl: values.apiBaseUrl.trim() || undefined,
    ...(values.accessToken !== "" ? { accessToken: values.accessToken } : {}),
  };
  return checked(RepositoryCreate, input);
}

/**
 * The body of PATCH /api/repositories/:id: only what changed. The clone URL is sent only when
 * edited, since the view shows it with any password in it as `***`; an empty token field leaves
 * the token as it is, and "clear" removes it.
 */
export function updateRequestFrom(repository: RepositoryView, values: RepositoryFormValues): FormOutcome<RepositoryUpdate> {
  const patch: Record<string, unknown> = {};
  const name = values.name.trim();
  const cloneUrl = values.cloneUrl.trim();
  const defaultBranch = values.defaultBranch.trim();
  const apiBaseUrl = values.apiBaseUrl.trim().replace(/\/+$/, "");
  const events = orderedEvents(values.events);
  if (name !== repository.name) patch.name = name;
  if (cloneUrl !== repository.cloneUrl) patch.cloneUrl = cloneUrl;
  if (defaultBranch !== repository.defaultBranch) patch.defaultBranch = defaultBranch;
  if (apiBaseUrl !== repository.apiBaseUrl) patch.apiBaseUrl = apiBaseUrl;
  if (events.join(",") !== orderedEvents(repository.events).join(",")) patch.events = events;
  if (values.clearToken) patch.accessToken = null;
  else if (values.accessToken !== "") patch.accessToken = values.accessToken;
  return checked(RepositoryUpdate, patch);
}

export function isEmptyUpdate(update: RepositoryUpdate): boolean {
  return Object.keys(update).length === 0;
}

/** A repository as it may be cached: the secret is shown once and kept nowhere. */
export function withoutSecret(repository: RepositoryWithSecret): RepositoryView {
  const { webhookSecret: _secret, ...view } = repository;
  return view;
}

function checked<S extends z.ZodType>(schema: S, input: unknown): FormOutcome<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  // One issue per field, the first: an empty field is "required", not also malformed.
  const seen = new Set<string>();
  const issues: string[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    const key = String(field ?? "");
    if (seen.has(key)) continue;
    seen.add(key);
    const message = issue.code === "too_small" && issue.origin === "string" && issue.minimum === 1 ? "required" : issue.message;
    const label = typeof field === "string" ? (FIELD_LABELS[field] ?? field) : null;
    issues.push(label ? `${label}: ${message}` : message);
  }
  return { ok: false, issues };
}
