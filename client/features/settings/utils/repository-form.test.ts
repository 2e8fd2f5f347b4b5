import { describe, expect, it } from "vitest";
import type { RepositoryView } from "../../../../shared/api/repositories";
import { EMPTY_REPOSITORY_FORM, createRequestFrom, formFromRepository, toggleEvent, updateRequestFrom, withoutSecret } from "./repository-form";

const view: RepositoryView = {
  id: 3,
  name: "acme/app",
  cloneUrl: "https://***@github.com/acme/app.git",
  defaultBranch: "main",
  events: ["push", "pr", "pr-close"],
  apiBaseUrl: "https://api.github.com",
  hasToken: true,
  statuses: "enabled",
  webhookUrl: "http://baton.local/api/webhooks/github",
  createdAt: 1,
  updatedAt: 1,
  secretRotatedAt: 1,
  mirror: { fetchedAt: null, error: null },
};

describe("createRequestFrom", () => {
  it("trims the fields, leaves out an empty token and accepts a local path as clone URL", () => {
    const outcome = createRequestFrom({ ...EMPTY_REPOSITORY_FORM, name: " acme/app ", cloneUrl: " /srv/git/app ", events: ["pr", "push"] });
    expect(outcome).toEqual({
      ok: true,
      value: { name: "acme/app", cloneUrl: "/srv/git/app", defaultBranch: "main", events: ["push", "pr"], apiBaseUrl: "https://api.github.com" },
    });
  });

  it("sends a token when one is typed", () => {
    const outcome = createRequestFrom({ ...EMPTY_REPOSITORY_FORM, name: "acme/app", cloneUrl: "git@github.com:acme/app.git", accessToken: "ghp_x" });
    expect(outcome.ok && outcome.value.accessToken).toBe("ghp_x");
  });

  it("names the fields the shared schema refuses", () => {
    const outcome = createRequestFrom({ ...EMPTY_REPOSITORY_FORM, name: "not a repo", cloneUrl: "-upload-pack=x" });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues.some((issue) => issue.startsWith("Name: "))).toBe(true);
    expect(outcome.issues.some((issue) => issue.startsWith("Clone URL: "))).toBe(true);
  });

  it("says an empty field is required, once", () => {
    const outcome = createRequestFrom({ ...EMPTY_REPOSITORY_FORM, name: "acme/app", cloneUrl: "  " });
    expect(outcome).toEqual({ ok: false, issues: ["Clone URL: required"] });
  });
});

describe("updateRequestFrom", () => {
  it("sends nothing when nothing changed, and never sends the redacted clone URL back", () => {
    expect(updateRequestFrom(view, formFromRepository(view))).toEqual({ ok: true, value: {} });
  });

  it("sends only the fields that changed", () => {
    const values = { ...formFromRepository(view), defaultBranch: "trunk", events: toggleEvent(view.events, "cron", true) };
    expect(updateRequestFrom(view, values)).toEqual({ ok: true, value: { defaultBranch: "trunk", events: ["push", "pr", "pr-close", "cron"] } });
  });

  it("leaves the token alone when its field is empty, replaces it when typed, and clears it on request", () => {
    expect(updateRequestFrom(view, { ...formFromRepository(view), accessToken: "new" })).toEqual({ ok: true, value: { accessToken: "new" } });
    expect(updateRequestFrom(view, { ...formFromRepository(view), accessToken: "ignored", clearToken: true })).toEqual({ ok: true, value: { accessToken: null } });
  });
});

describe("toggleEvent", () => {
  it("keeps the form's order and each event once", () => {
    expect(toggleEvent(["cron", "push"], "pr", true)).toEqual(["push", "pr", "cron"]);
    expect(toggleEvent(["push", "pr"], "push", true)).toEqual(["push", "pr"]);
    expect(toggleEvent(["push", "pr"], "push", false)).toEqual(["pr"]);
  });
});

describe("withoutSecret", () => {
  it("drops the webhook secret", () => {
    expect(withoutSecret({ ...view, webhookSecret: "s3cret" })).toEqual(view);
  });
});
