import type { RepositoryEvent } from "../../../shared/api/repositories";
import type { CfgEvent } from "../../cfg";

/** A repository's enabled events are the cfg's events: a new cfg event fails to compile here until the API knows it. */
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const EVENTS_AGREE: SameUnion<RepositoryEvent, CfgEvent> = true;
void EVENTS_AGREE;

/**
 * One cfg event a change asks for, whatever told Baton about it (a GitHub delivery, a local
 * hook, the scheduler): which event, which commit it runs, and the variables it fills in.
 */
export interface RepoEvent {
  event: CfgEvent;
  /** The commit named by the change (`after`, a pull request's head), or how to find it. */
  commit:
    | { kind: "sha"; sha: string; ref: string | null }
    /** The tip of a ref that the change created (create events carry no commit). */
    | { kind: "ref"; ref: string }
    /** The default branch's head: the ref is gone (delete events) or the event has no commit (cron). */
    | { kind: "default-branch" };
  /**
   * When the named commit is not in the repository (a merged pull request's branch deleted and
   * its commit gone), run the default branch's head instead of giving up — for clean-up events.
   */
  fallBackToDefaultBranch: boolean;
  /** Known cfg variables (branch, pr, base_branch, tag, user, action, url…) and extra ones (fork, merged). */
  variables: Record<string, string>;
  /** Who or what caused it, for the pipeline's trigger: `github:push by alice`. */
  trigger: string;
  /** Commit statuses describe the commit the change named; a delete event runs another one and reports none. */
  reportStatus: boolean;
}

export const ZERO_SHA = /^0+$/;

/**
 * What a ref update (`<before> <after> <ref>`, as a post-receive hook reads it) means, in the
 * terms of GitHub's events: a branch created is `create-branch` and a `push`, updated is a
 * `push`, deleted is `delete-branch`; a tag created or moved is `create-tag`, deleted
 * `delete-tag`. Other refs (notes, pull refs) launch nothing.
 */
export function eventsOfRefUpdate(update: { ref: string; before: string; after: string }, common: { user: string; trigger: string }): RepoEvent[] {
  const created = ZERO_SHA.test(update.before);
  const deleted = ZERO_SHA.test(update.after);
  const base = { fallBackToDefaultBranch: false, trigger: common.trigger };
  const user = common.user;
  if (update.ref.startsWith("refs/heads/")) {
    const branch = update.ref.slice("refs/heads/".length);
    if (deleted) {
      return [{ ...base, event: "delete-branch", commit: { kind: "default-branch" }, variables: { branch, user }, reportStatus: false }];
    }
    const commit = { kind: "sha" as const, sha: update.after, ref: update.ref };
    const push: RepoEvent = { ...base, event: "push", commit, variables: { branch, user }, reportStatus: true };
    return created ? [{ ...base, event: "create-branch", commit, variables: { branch, user }, reportStatus: true }, push] : [push];
  }
  if (update.ref.startsWith("refs/tags/")) {
    const tag = update.ref.slice("refs/tags/".length);
    if (deleted) return [{ ...base, event: "delete-tag", commit: { kind: "default-branch" }, variables: { tag, user }, reportStatus: false }];
    // An annotated tag's `after` is the tag object: its ref resolves (peeled) to the commit.
    return [{ ...base, event: "create-tag", commit: { kind: "ref", ref: update.ref }, variables: { tag, user }, reportStatus: true }];
  }
  return [];
}
