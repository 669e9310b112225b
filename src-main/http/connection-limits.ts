import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimits {
  /** Open connections at most; a new one beyond this closes the longest-idle one (or itself). */
  maxConnections: number;
  /** A connection with no request in progress is closed after this long. */
  idleMs: number;
  /** The whole request (headers and body) must arrive within this. */
  requestMs: number;
}

export const defaultConnectionLimits: ConnectionLimits = { maxConnections: 128, idleMs: 15_000, requestMs: 60_000 };

/**
 * Bounds what any local process can hold open on one of our loopback servers without a token: a
 * flood of idle sockets must not exhaust this process's file descriptors (the chain calls and the
 * record writes share them). Idle connections — including ones that connect and never finish a
 * request — are closed after `idleMs`; at the cap the longest-idle connection makes room, so a
 * real client is still answered in the middle of a flood. Connections busy with a request or
 * upgraded to a WebSocket are never evicted.
 */
export function limitConnections(server: Server, limits: ConnectionLimits = defaultConnectionLimits): void {
  const open = new Set<Socket>();
  // Insertion order is idle-since order: the first is the one to close when room is needed.
  const idle = new Map<Socket, NodeJS.Timeout>();

  const markBusy = (socket: Socket) => {
    clearTimeout(idle.get(socket));
    idle.delete(socket);
  };
  const markIdle = (socket: Socket) => {
    markBusy(socket);
    if (socket.destroyed) return;
    idle.set(socket, setTimeout(() => socket.destroy(), limits.idleMs).unref());
  };

  server.requestTimeout = limits.requestMs;
  server.headersTimeout = Math.min(server.headersTimeout, limits.requestMs);
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, limits.idleMs);
  server.on("connection", (socket: Socket) => {
    if (open.size >= limits.maxConnections) {
      const oldest = idle.keys().next();
      if (oldest.done) {
        socket.destroy();
        return;
      }
      open.delete(oldest.value);
      markBusy(oldest.value);
      oldest.value.destroy();
    }
    open.add(socket);
    markIdle(socket);
    socket.once("close", () => {
      open.delete(socket);
      markBusy(socket);
    });
  });
  server.on("request", (req, res) => {
    const socket = req.socket;
    markBusy(socket);
    res.once("close", () => {
      if (open.has(socket)) markIdle(socket);
    });
  });
  server.on("upgrade", (req, socket: Socket) => {
    markBusy(socket);
    // Listening for upgrades stops Node from closing them; a server that takes none must still do so.
    if (server.listenerCount("upgrade") === 1) socket.destroy();
  });
}
