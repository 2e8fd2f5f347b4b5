import { LocalGitNotification } from "../../../shared/api/repositories";
import { mapGithubEvent } from "../github/github-events";
import type { StoredDelivery } from "./delivery-log";
import type { RepoEvent } from "./repo-event";

/** The content type under which a local hook's notification is kept with its delivery. */
export const LOCAL_GIT_CONTENT_TYPE = "application/vnd.baton.local-git+json";

/** What a local hook's delivery keeps: the notification (its path resolved) and who sent it. */
export interface LocalGitBody {
  notification: LocalGitNotification;
  who: string;
  user: string | undefined;
}

export function encodeLocalGitBody(body: LocalGitBody): Buffer {
  return Buffer.from(JSON.stringify(body));
}

/**
 * How to process again a delivery that was accepted but never finished (the server stopped or
 * was killed first), from what its row kept: the GitHub payload, the hook's notification, or the
 * cron section and minute. `drop` finishes it with a reason when there is nothing to process.
 */
export type UnfinishedPlan =
  | { kind: "github"; repositoryId: number; events: RepoEvent[] }
  | { kind: "local-git"; body: LocalGitBody }
  | { kind: "cron"; repositoryId: number; section: string; minute: string }
  | { kind: "drop"; reason: string };

export function planUnfinished(delivery: StoredDelivery, parse: (body: Buffer, contentType: string | null) => unknown): UnfinishedPlan {
  const drop = (why: string): UnfinishedPlan => ({ kind: "drop", reason: `the server stopped before processing it, and ${why}` });
  switch (delivery.source) {
    case "github":
    case "test":
    case "redelivery": {
      if (delivery.repositoryId === null) return drop("its repository was deleted");
      if (!delivery.body) return drop("its body was not kept");
      let payload: unknown;
      try {
        payload = parse(delivery.body, delivery.contentType);
      } catch (error) {
        return drop(`its body cannot be read: ${(error as Error).message}`);
      }
      const plan = mapGithubEvent(delivery.event, payload);
      if (plan.kind !== "launch") return drop("it launches nothing");
      return { kind: "github", repositoryId: delivery.repositoryId, events: plan.events };
    }
    case "local-git": {
      if (!delivery.body || delivery.contentType !== LOCAL_GIT_CONTENT_TYPE) return drop("its notification was not kept");
      let body: LocalGitBody;
      try {
        const raw = JSON.parse(delivery.body.toString("utf8")) as LocalGitBody;
        body = { notification: LocalGitNotification.parse(raw.notification), who: String(raw.who), user: typeof raw.user === "string" ? raw.user : undefined };
      } catch (error) {
        return drop(`its notification cannot be read: ${(error as Error).message}`);
      }
      return { kind: "local-git", body };
    }
    case "cron": {
      const minute = /@(\d{4}-\d\d-\d\dT\d\d:\d\d)Z$/.exec(delivery.guid ?? "")?.[1];
      if (delivery.repositoryId === null) return drop("its repository was deleted");
      if (!delivery.action || !minute) return drop("its section or minute is unknown");
      return { kind: "cron", repositoryId: delivery.repositoryId, section: delivery.action, minute };
    }
  }
}
