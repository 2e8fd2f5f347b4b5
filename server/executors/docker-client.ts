import Docker from "dockerode";
import type { Readable } from "node:stream";

/**
 * The Docker Engine API client the docker executor talks through, the labels Baton puts on what
 * it creates, and the engine's errors turned into messages for a node's log.
 */

/** Labels on every container and image Baton creates; `docker ps -a --filter label=baton.pipeline=<id>` finds them. */
export const Label = {
  instance: "baton.instance",
  pipeline: "baton.pipeline",
  node: "baton.node",
  attempt: "baton.attempt",
  attemptId: "baton.attempt-id",
  /** `attempt` (one per attempt), `shared` (a sameContainer Serial's), `snapshot` (a repository image and its builder). */
  kind: "baton.kind",
  /** On a shared container: which (pipeline, containerKey) it serves, hashed. */
  sharedKey: "baton.shared-key",
} as const;

export type ContainerKind = "attempt" | "shared" | "snapshot";

/**
 * A client for `dockerHost` (`unix:///path`, `tcp://host:port`, `http://…`), or, when it is not
 * given, for what docker-modem derives from `DOCKER_HOST` and the default socket.
 */
export function createDockerClient(dockerHost?: string): Docker {
  if (!dockerHost) return new Docker();
  if (dockerHost.startsWith("unix://")) return new Docker({ socketPath: dockerHost.slice("unix://".length) || "/var/run/docker.sock" });
  if (dockerHost.startsWith("/")) return new Docker({ socketPath: dockerHost });
  const url = new URL(dockerHost.includes("://") ? dockerHost : `tcp://${dockerHost}`);
  const protocol = url.protocol === "https:" ? "https" : url.protocol === "ssh:" ? "ssh" : "http";
  return new Docker({ protocol, host: url.hostname, port: url.port || (protocol === "https" ? 2376 : 2375) });
}

interface EngineError {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** True when the error says the engine could not be reached, not that it refused the request. */
export function isEngineUnreachable(error: unknown): boolean {
  const e = error as EngineError | null;
  if (!e || typeof e !== "object") return false;
  if (e.statusCode !== undefined) return false;
  if (e.code && unreachableCodes.has(e.code)) return true;
  return /socket hang up|aborted|premature close/i.test(e.message ?? "");
}

export function isNotFound(error: unknown): boolean {
  return (error as EngineError | null)?.statusCode === 404;
}

/** The engine's own words for an error (its JSON `message`), else the client's. */
export function engineReason(error: unknown): string {
  const e = error as EngineError | null;
  const fromEngine = e?.json?.message;
  if (typeof fromEngine === "string" && fromEngine.trim()) return fromEngine.trim();
  const message = e instanceof Error || typeof e?.message === "string" ? String(e?.message) : String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

/** A one-line message for the log of an attempt the engine failed. */
export function describeEngineError(error: unknown): string {
  if (isEngineUnreachable(error)) return `Docker engine unreachable: ${engineReason(error)}`;
  return engineReason(error);
}

/**
 * Reads a newline-delimited JSON progress stream (pull, build) event by event, holding at most one
 * line in memory. Resolves when the stream ends; an event carrying `error` rejects with its text.
 */
export function followJsonLines(stream: Readable, onEvent: (event: Record<string, unknown>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = "";
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(error);
    };
    const handleLine = (line: string) => {
      if (!line.trim()) return;
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof event.error === "string" || event.errorDetail) {
        const detail = event.errorDetail as { message?: string } | undefined;
        fail(new Error(String(event.error ?? detail?.message ?? "unknown error")));
        return;
      }
      onEvent(event);
    };
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      rest += chunk;
      let newline = rest.indexOf("\n");
      while (newline >= 0 && !failed) {
        handleLine(rest.slice(0, newline));
        rest = rest.slice(newline + 1);
        newline = rest.indexOf("\n");
      }
    });
    stream.on("end", () => {
      if (failed) return;
      handleLine(rest);
      if (!failed) resolve();
    });
    stream.on("error", (error) => fail(error));
  });
}
