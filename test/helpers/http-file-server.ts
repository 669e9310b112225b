import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A static file server for download tests, bound to 127.0.0.1. It honours Range requests (so a
 * resumed download can be told from a restarted one) and has knobs to misbehave: cut the
 * connection part-way, serve corrupted bytes, or trickle bytes slowly enough to cancel mid-way.
 */
export interface ServedRequest {
  method: string;
  path: string;
  range?: string;
  status: number;
  /** Body bytes actually written before the response ended or was cut. */
  bytesSent: number;
}

export interface FileServerKnobs {
  /** Destroy the socket once a response has sent this many body bytes… */
  cutAfterBytes?: number;
  /** …for this many responses (default 1), then serve normally. */
  cutTimes?: number;
  /** Flip one byte in the middle of every body served. */
  corrupt?: boolean;
  /** Throttle body bytes to roughly this rate. */
  bytesPerSecond?: number;
}

export interface FileServer {
  url(name: string): string;
  readonly requests: ServedRequest[];
  /** Body bytes sent across all requests so far. */
  totalBytesSent(): number;
  setKnobs(knobs: FileServerKnobs): void;
  close(): Promise<void>;
}

const SLICE = 64 * 1024;

export async function startFileServer(
  files: Record<string, Buffer>,
  initial: FileServerKnobs = {},
): Promise<FileServer> {
  let knobs: FileServerKnobs = { ...initial };
  let cutsLeft = knobs.cutTimes ?? 1;
  const requests: ServedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "/").split("?")[0]!.replace(/^\//, ""));
    const record: ServedRequest = {
      method: req.method ?? "GET",
      path: name,
      range: req.headers.range,
      status: 200,
      bytesSent: 0,
    };
    requests.push(record);
    const file = files[name];
    if (!file) {
      record.status = 404;
      res.writeHead(404).end();
      return;
    }
    const body = knobs.corrupt ? corrupted(file) : file;
    const range = parseRange(req.headers.range, body.length);
    if (range === "unsatisfiable") {
      record.status = 416;
      res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
      return;
    }
    const [start, end] = range ?? [0, body.length - 1];
    record.status = range ? 206 : 200;
    const headers: http.OutgoingHttpHeaders = {
      "Accept-Ranges": "bytes",
      "Content-Length": String(end - start + 1),
      "Content-Type": "application/octet-stream",
    };
    if (range) headers["Content-Range"] = `bytes ${start}-${end}/${body.length}`;
    res.writeHead(record.status, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const cutAt = knobs.cutAfterBytes !== undefined && cutsLeft > 0 ? knobs.cutAfterBytes : undefined;
    if (cutAt !== undefined) cutsLeft--;
    void stream(res, body.subarray(start, end + 1), record, cutAt, knobs.bytesPerSecond);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    requests,
    totalBytesSent: () => requests.reduce((n, r) => n + r.bytesSent, 0),
    setKnobs(next) {
      knobs = { ...next };
      cutsLeft = next.cutTimes ?? 1;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function stream(
  res: http.ServerResponse,
  data: Buffer,
  record: ServedRequest,
  cutAt: number | undefined,
  bytesPerSecond: number | undefined,
): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    if (res.destroyed) return;
    let slice = Math.min(SLICE, data.length - offset);
    if (cutAt !== undefined && offset + slice > cutAt) slice = Math.max(0, cutAt - offset);
    if (slice > 0) {
      const ok = res.write(data.subarray(offset, offset + slice));
      offset += slice;
      record.bytesSent = offset;
      if (!ok) await new Promise((r) => res.once("drain", r));
    }
    if (cutAt !== undefined && offset >= cutAt) {
      res.socket?.destroy();
      return;
    }
    if (bytesPerSecond) await new Promise((r) => setTimeout(r, (slice / bytesPerSecond) * 1000));
  }
  res.end();
}

function parseRange(header: string | undefined, size: number): [number, number] | "unsatisfiable" | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m) return undefined;
  const [, a = "", b = ""] = m;
  let start: number;
  let end: number;
  if (a === "") {
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start > end || start >= size) return "unsatisfiable";
  return [start, end];
}

function corrupted(file: Buffer): Buffer {
  const copy = Buffer.from(file);
  const i = Math.floor(copy.length / 2);
  copy[i] = (copy[i]! ^ 0xff) & 0xff;
  return copy;
}
