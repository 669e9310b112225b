import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sirv from "sirv";
import { WebSocketServer, type WebSocket } from "ws";
import { TOKEN_FRAGMENT_KEY, TOKEN_HEADER, headlessPaths, type PushFrame } from "../../src-shared/headless-protocol.js";
import { dispatchInvoke } from "../session/dispatch.js";
import { liveChannelNames } from "../session/live-pushes.js";
import type { MainCore } from "../session/main-core.js";
import { limitConnections, type ConnectionLimits } from "../http/connection-limits.js";
import { hostAllowed, newLaunchToken, originAllowed, tokenMatches } from "./auth.js";
import { httpStatusOf } from "./http-status.js";

export interface HeadlessServerOptions {
  core: MainCore;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer); omitted → API only. */
  staticDir?: string;
  token?: string;
  connectionLimits?: ConnectionLimits;
}

export interface HeadlessServer {
  port: number;
  token: string;
  /** The dashboard URL with its token in the fragment. */
  dashboardUrl: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
// The same policy the Electron window enforces (docs/electron.md), plus connecting back to us.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the dashboard and the app contract over HTTP and a WebSocket, on loopback only: status is
 * readable by anyone on this machine, commands need the per-launch token.
 */
export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = opts.token ?? newLaunchToken();
  const statics = opts.staticDir
    ? sirv(opts.staticDir, { single: true, dev: false, etag: true, setHeaders: (res) => securityHeaders(res) })
    : undefined;
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) =>
      sendJson(res, 500, { ok: false, error: { code: "INTERNAL", message: String(err) } }),
    );
  });
  limitConnections(server, opts.connectionLimits);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, port))
      return sendJson(res, 403, { ok: false, error: { code: "BAD_USAGE", message: "unexpected Host header" } });
    const url = parseUrl(req.url, port);
    if (!url) return sendJson(res, 400, { ok: false, error: { code: "BAD_USAGE", message: "malformed request URL" } });
    if (url.pathname === headlessPaths.status && req.method === "GET") {
      return sendJson(res, 200, opts.core.getSnapshot());
    }
    if (url.pathname.startsWith(headlessPaths.invokePrefix)) {
      if (req.method !== "POST")
        return sendJson(res, 405, { ok: false, error: { code: "BAD_USAGE", message: "use POST" } });
      if (!originAllowed(req, port) || !tokenMatches(token, header(req, TOKEN_HEADER))) {
        return sendJson(res, 401, {
          ok: false,
          error: { code: "BAD_USAGE", message: "missing or wrong launch token" },
        });
      }
      const method = decodePathPart(url.pathname.slice(headlessPaths.invokePrefix.length));
      if (method === undefined)
        return sendJson(res, 400, {
          ok: false,
          error: { code: "BAD_USAGE", message: "malformed %-escape in the method name" },
        });
      const body = await readJson(req);
      if (!body.ok) return sendJson(res, 400, { ok: false, error: { code: "INVALID_PARAMS", message: body.message } });
      const envelope = await dispatchInvoke(opts.core, method, body.value);
      return sendJson(res, envelope.ok ? 200 : httpStatusOf(envelope.error.code), envelope);
    }
    if (url.pathname.startsWith("/api/"))
      return sendJson(res, 404, { ok: false, error: { code: "NOT_FOUND", message: `no endpoint ${url.pathname}` } });
    if (statics) {
      // sirv decodes the path itself and throws a URIError on a malformed escape.
      if (decodePathPart(url.pathname) === undefined)
        return sendJson(res, 400, {
          ok: false,
          error: { code: "BAD_USAGE", message: "malformed %-escape in the path" },
        });
      return statics(req, res, () =>
        sendJson(res, 404, { ok: false, error: { code: "NOT_FOUND", message: "not found" } }),
      );
    }
    sendJson(res, 404, {
      ok: false,
      error: { code: "NOT_FOUND", message: "the dashboard is not built (npm run build:renderer)" },
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on("upgrade", (req, socket, head) => {
    const url = parseUrl(req.url, port);
    const ok =
      url !== undefined &&
      url.pathname === headlessPaths.events &&
      hostAllowed(req, port) &&
      originAllowed(req, port) &&
      tokenMatches(token, url.searchParams.get("token"));
    if (!ok) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => streamState(ws, opts.core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    dashboardUrl: `http://127.0.0.1:${port}/#${TOKEN_FRAGMENT_KEY}=${token}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Snapshot first, then every live channel of the contract (patches in order, samples, log lines); a
 * client that misses a patch asks for a new snapshot.
 */
function streamState(ws: WebSocket, core: MainCore): void {
  const send = (frame: PushFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  send({ channel: "snapshot", payload: core.getSnapshot() });
  const unsubscribes = liveChannelNames.map((channel) =>
    core.subscribe(channel, (payload) => send({ channel, payload } as PushFrame)),
  );
  const unsubscribe = () => unsubscribes.forEach((u) => u());
  ws.on("close", unsubscribe);
  ws.on("error", unsubscribe);
}

/** The request URL, or undefined for one that does not parse (say an absolute-form target with a broken host). */
function parseUrl(raw: string | undefined, port: number): URL | undefined {
  try {
    return new URL(raw ?? "/", `http://127.0.0.1:${port}`);
  } catch {
    return undefined;
  }
}

function decodePathPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, message: "request body too large" };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: "the request body is not valid JSON" };
  }
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  securityHeaders(res);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
