import { z } from "zod";
import type { RepoEvent } from "../repositories/repo-event";
import { ZERO_SHA } from "../repositories/repo-event";

/**
 * GitHub webhook payloads → cfg events (DESIGN §2, issue 5):
 *
 * | GitHub                                   | cfg event       | commit run                         |
 * | ---------------------------------------- | --------------- | ---------------------------------- |
 * | push to a branch                         | `push`          | `after`                            |
 * | push with `deleted: true`                | —               | (the `delete` event covers it)     |
 * | push to a tag                            | —               | (the `create` event covers it)     |
 * | create, ref_type branch / tag            | `create-branch` / `create-tag` | the new ref's tip   |
 * | delete, ref_type branch / tag            | `delete-branch` / `delete-tag` | the default branch's head |
 * | pull_request opened, reopened, synchronize | `pr`          | the head sha                       |
 * | pull_request closed                      | `pr-close`      | the head sha (else the default head) |
 * | ping                                     | answered        |                                    |
 *
 * A pull request whose head repository is not the base repository (a fork, or a deleted one)
 * gets `{fork}` = `true` and "from fork" in its trigger, so that secrets can be withheld from it.
 */
export type GithubEventPlan = { kind: "ping"; zen: string | null } | { kind: "ignore"; reason: string } | { kind: "launch"; action: string | null; events: RepoEvent[] };

const Account = z.object({ login: z.string().optional(), name: z.string().nullish() });
const Repository = z.object({ full_name: z.string(), html_url: z.string().optional() });
const Sender = z.object({ login: z.string() }).optional();

const PushPayload = z.object({
  ref: z.string(),
  before: z.string().optional(),
  after: z.string(),
  deleted: z.boolean().optional(),
  pusher: Account.optional(),
  sender: Sender,
  repository: Repository,
});

const RefPayload = z.object({
  ref: z.string(),
  ref_type: z.string(),
  sender: Sender,
  repository: Repository,
});

const PullRequestPayload = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  sender: Sender,
  repository: Repository,
  pull_request: z.object({
    merged: z.boolean().nullish(),
    user: Account.nullish(),
    head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
    base: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }) }),
  }),
});

/** The repository a payload names, `owner/repo`, or null. */
export function repositoryNameOf(payload: unknown): string | null {
  const name = (payload as { repository?: { full_name?: unknown } } | null)?.repository?.full_name;
  return typeof name === "string" && name.length > 0 ? name : null;
}

export function actionOf(payload: unknown): string | null {
  const action = (payload as { action?: unknown } | null)?.action;
  return typeof action === "string" ? action : null;
}

export function mapGithubEvent(event: string, payload: unknown): GithubEventPlan {
  switch (event) {
    case "ping": {
      const zen = (payload as { zen?: unknown } | null)?.zen;
      return { kind: "ping", zen: typeof zen === "string" ? zen : null };
    }
    case "push":
      return mapPush(payload);
    case "create":
    case "delete":
      return mapRefEvent(event, payload);
    case "pull_request":
      return mapPullRequest(payload);
    default:
      return { kind: "ignore", reason: `the ${event} event launches nothing (push, create, delete and pull_request do)` };
  }
}

function invalid(event: string, error: z.ZodError): GithubEventPlan {
  const issue = error.issues[0];
  return { kind: "ignore", reason: `the ${event} payload lacks what Baton reads (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})` };
}

function mapPush(payload: unknown): GithubEventPlan {
  const parsed = PushPayload.safeParse(payload);
  if (!parsed.success) return invalid("push", parsed.error);
  const push = parsed.data;
  if (push.deleted === true || ZERO_SHA.test(push.after)) return { kind: "ignore", reason: `${push.ref} was deleted: the delete event launches delete-branch / delete-tag` };
  if (push.ref.startsWith("refs/tags/")) return { kind: "ignore", reason: `${push.ref} is a tag: the create event launches create-tag` };
  if (!push.ref.startsWith("refs/heads/")) return { kind: "ignore", reason: `${push.ref} is not a branch` };
  const branch = push.ref.slice("refs/heads/".length);
  const user = push.sender?.login ?? push.pusher?.name ?? push.pusher?.login ?? "";
  return {
    kind: "launch",
    action: null,
    events: [
      {
        event: "push",
        commit: { kind: "sha", sha: push.after, ref: push.ref },
        fallBackToDefaultBranch: false,
        variables: { branch, user, url: push.repository.html_url ?? "", fork: "false" },
        trigger: `github:push by ${user || "unknown"}`,
        reportStatus: true,
      },
    ],
  };
}

function mapRefEvent(event: "create" | "delete", payload: unknown): GithubEventPlan {
  const parsed = RefPayload.safeParse(payload);
  if (!parsed.success) return invalid(event, parsed.error);
  const { ref, ref_type: refType, repository, sender } = parsed.data;
  if (refType !== "branch" && refType !== "tag") return { kind: "ignore", reason: `a ${event} of a ${refType} launches nothing (branches and tags do)` };
  const fullRef = `refs/${refType === "branch" ? "heads" : "tags"}/${ref}`;
  const user = sender?.login ?? "";
  const variables: Record<string, string> = { ...(refType === "branch" ? { branch: ref } : { tag: ref }), user, url: repository.html_url ?? "", fork: "false" };
  const common = { fallBackToDefaultBranch: false, variables, trigger: `github:${event} ${refType} by ${user || "unknown"}` };
  const events: RepoEvent[] =
    event === "create"
      ? [{ ...common, event: refType === "branch" ? "create-branch" : "create-tag", commit: { kind: "ref", ref: fullRef }, reportStatus: true }]
      : [{ ...common, event: refType === "branch" ? "delete-branch" : "delete-tag", commit: { kind: "default-branch" }, reportStatus: false }];
  return { kind: "launch", action: null, events };
}

function mapPullRequest(payload: unknown): GithubEventPlan {
  const parsed = PullRequestPayload.safeParse(payload);
  if (!parsed.success) return invalid("pull_request", parsed.error);
  const { action, number, pull_request: pr, repository, sender } = parsed.data;
  let event: "pr" | "pr-close";
  if (action === "opened" || action === "reopened" || action === "synchronize") event = "pr";
  else if (action === "closed") event = "pr-close";
  else return { kind: "ignore", reason: `pull_request ${action} launches nothing (opened, reopened, synchronize and closed do)` };
  const headRepo = pr.head.repo?.full_name ?? null;
  const fork = headRepo === null || headRepo.toLowerCase() !== pr.base.repo.full_name.toLowerCase();
  const user = pr.user?.login ?? sender?.login ?? "";
  const variables: Record<string, string> = {
    branch: pr.head.ref,
    pr: String(number),
    base_branch: pr.base.ref,
    action,
    user,
    url: repository.html_url ?? "",
    fork: String(fork),
  };
  if (event === "pr-close") variables.merged = String(pr.merged === true);
  const from = fork ? ` from fork ${headRepo ?? "(deleted)"}` : "";
  return {
    kind: "launch",
    action,
    events: [
      {
        event,
        commit: { kind: "sha", sha: pr.head.sha, ref: null },
        fallBackToDefaultBranch: event === "pr-close",
        variables,
        trigger: `github:pull_request #${number} ${action}${from} by ${user || "unknown"}`,
        reportStatus: true,
      },
    ],
  };
}
