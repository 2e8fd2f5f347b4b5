import type http from "node:http";
import { Server } from "socket.io";
import type { LogLine } from "../../shared/api/pipeline-views";
import type { ClientToServerEvents, NodeDelta, NodeDeltaBatch, ServerToClientEvents } from "../../shared/api/socket-events";
import type { Auth, Principal } from "../api/auth";
import type { Engine } from "../engine";

/** Node changes and log lines within this window go out as one message per pipeline or log. */
const BATCH_MS = 50;
const LIST_ROOM = "pipelines";

interface SocketData {
  principal: Principal;
}

const pipelineRoom = (id: string) => `pipeline:${id}`;
const logRoom = (id: string, path: string, attempt: number) => `log:${id}:${attempt}:${path}`;

/**
 * Socket.IO: a room per pipeline for node deltas, a room per attempt for its log lines, one room
 * for the pipelines list. The handshake is authenticated like the API (session cookie or token).
 */
export function attachSocketServer(httpServer: http.Server, engine: Engine, auth: Auth): Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData> {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
  });

  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === "string" ? `Bearer ${socket.handshake.auth.token}` : socket.handshake.headers.authorization;
    const principal = auth.identify(token, socket.handshake.headers.cookie);
    if (!principal) return next(new Error("unauthorized"));
    socket.data.principal = principal;
    next();
  });

  const logUnwatch = new Map<string, () => void>();

  io.on("connection", (socket) => {
    void socket.join(LIST_ROOM);
    socket.on("pipeline:subscribe", (id) => {
      if (typeof id === "string" && id.length < 100) void socket.join(pipelineRoom(id));
    });
    socket.on("pipeline:unsubscribe", (id) => {
      if (typeof id === "string") void socket.leave(pipelineRoom(id));
    });
    socket.on("log:subscribe", (target) => {
      if (!target || typeof target.pipelineId !== "string" || typeof target.path !== "string" || !Number.isInteger(target.attempt)) return;
      const room = logRoom(target.pipelineId, target.path, target.attempt);
      void socket.join(room);
      if (!logUnwatch.has(room)) logUnwatch.set(room, engine.watchLog(target.pipelineId, target.path, target.attempt));
    });
    socket.on("log:unsubscribe", (target) => {
      if (!target || typeof target.pipelineId !== "string" || typeof target.path !== "string") return;
      void socket.leave(logRoom(target.pipelineId, target.path, target.attempt));
    });
  });

  io.of("/").adapter.on("delete-room", (room: string) => {
    logUnwatch.get(room)?.();
    logUnwatch.delete(room);
  });

  // Node deltas: merged per pipeline over BATCH_MS; the latest state of a path wins.
  const pendingNodes = new Map<string, { fromSeq: number; seq: number; changes: Map<string, NodeDelta>; structureChanged: boolean }>();
  let nodeTimer: NodeJS.Timeout | null = null;
  const flushNodes = () => {
    nodeTimer = null;
    for (const [pipelineId, pending] of pendingNodes) {
      const batch: NodeDeltaBatch = {
        pipelineId,
        fromSeq: pending.fromSeq,
        seq: pending.seq,
        changes: [...pending.changes.values()],
        structureChanged: pending.structureChanged,
      };
      io.to(pipelineRoom(pipelineId)).emit("pipeline:nodes", batch);
    }
    pendingNodes.clear();
  };
  engine.on("nodes", (batch) => {
    const pending = pendingNodes.get(batch.pipelineId);
    if (pending) {
      pending.seq = batch.seq;
      pending.structureChanged ||= batch.structureChanged;
      for (const change of batch.changes) pending.changes.set(change.path, change);
    } else {
      pendingNodes.set(batch.pipelineId, {
        fromSeq: batch.fromSeq,
        seq: batch.seq,
        changes: new Map(batch.changes.map((c) => [c.path, c])),
        structureChanged: batch.structureChanged,
      });
    }
    nodeTimer ??= setTimeout(flushNodes, BATCH_MS);
  });

  // The list: the latest summary per pipeline over BATCH_MS.
  const pendingSummaries = new Map<string, Parameters<ServerToClientEvents["pipelines:changed"]>[0]>();
  let summaryTimer: NodeJS.Timeout | null = null;
  engine.on("pipeline", (summary) => {
    pendingSummaries.set(summary.id, summary);
    summaryTimer ??= setTimeout(() => {
      summaryTimer = null;
      for (const s of pendingSummaries.values()) io.to(LIST_ROOM).emit("pipelines:changed", s);
      pendingSummaries.clear();
    }, BATCH_MS);
  });

  // Log lines: to the viewers of that attempt only, batched.
  const pendingLines = new Map<string, { pipelineId: string; path: string; attempt: number; lines: LogLine[] }>();
  let logTimer: NodeJS.Timeout | null = null;
  engine.on("log", (event) => {
    const room = logRoom(event.pipelineId, event.path, event.attempt);
    const pending = pendingLines.get(room);
    if (pending) for (const line of event.lines) pending.lines.push(line);
    else pendingLines.set(room, { ...event, lines: [...event.lines] });
    logTimer ??= setTimeout(() => {
      logTimer = null;
      for (const [target, lines] of pendingLines) io.to(target).emit("log:lines", lines);
      pendingLines.clear();
    }, BATCH_MS);
  });

  return io;
}
