import { describe, expect, it } from "vitest";
import type { StoredDelivery } from "./delivery-log";
import { LOCAL_GIT_CONTENT_TYPE, encodeLocalGitBody, planUnfinished } from "./unfinished-delivery";

const SHA = "a".repeat(40);
const parseJson = (body: Buffer) => JSON.parse(body.toString("utf8")) as unknown;

function stored(fields: Partial<StoredDelivery>): StoredDelivery {
  return { id: 7, repositoryId: 3, event: "push", action: null, guid: "g-1", body: null, contentType: null, source: "github", redeliveryOf: null, ...fields };
}

describe("planUnfinished", () => {
  it("processes a GitHub delivery again from its kept payload", () => {
    const payload = { ref: "refs/heads/main", after: SHA, repository: { full_name: "acme/widgets" } };
    const plan = planUnfinished(stored({ body: Buffer.from(JSON.stringify(payload)), contentType: "application/json" }), parseJson);
    expect(plan).toMatchObject({ kind: "github", repositoryId: 3, events: [{ event: "push", commit: { kind: "sha", sha: SHA } }] });
  });

  it("processes a local hook's notification again from its kept body", () => {
    const body = encodeLocalGitBody({ notification: { repo: "/srv/widgets.git", ref: "refs/heads/main", before: SHA, after: "b".repeat(40) }, who: "hook", user: "alice" });
    const plan = planUnfinished(stored({ source: "local-git", body, contentType: LOCAL_GIT_CONTENT_TYPE }), parseJson);
    expect(plan).toEqual({ kind: "local-git", body: { notification: { repo: "/srv/widgets.git", ref: "refs/heads/main", before: SHA, after: "b".repeat(40) }, who: "hook", user: "alice" } });
  });

  it("launches a cron section again for the minute it was due", () => {
    expect(planUnfinished(stored({ source: "cron", event: "cron", action: "cron nightly", guid: "cron nightly@2026-11-28T03:00Z" }), parseJson)).toEqual({
      kind: "cron",
      repositoryId: 3,
      section: "cron nightly",
      minute: "2026-11-28T03:00",
    });
  });

  it("finishes with a reason what cannot be processed again", () => {
    expect(planUnfinished(stored({ repositoryId: null, body: Buffer.from("{}") }), parseJson)).toMatchObject({ kind: "drop", reason: expect.stringMatching(/repository was deleted/) });
    expect(planUnfinished(stored({ body: Buffer.from("{") }), parseJson)).toMatchObject({ kind: "drop", reason: expect.stringMatching(/cannot be read/) });
    expect(planUnfinished(stored({ source: "local-git" }), parseJson)).toMatchObject({ kind: "drop", reason: expect.stringMatching(/notification was not kept/) });
    expect(planUnfinished(stored({ source: "cron", guid: "nightly" }), parseJson)).toMatchObject({ kind: "drop" });
  });
});
