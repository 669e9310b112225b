import type { IncomingMessage, ServerResponse } from "node:http";
import { RouterError, routerErrors } from "./router-error.js";

/** Reads a JSON body of at most `limit` bytes; bad JSON is a 400, a huge body a 413. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw routerErrors.tooLarge(limit);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw routerErrors.badJson(err instanceof Error ? err.message : String(err));
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof RouterError
      ? err
      : routerErrors.internal(err instanceof Error ? err.message.split("\n")[0]! : String(err));
  if (res.headersSent) {
    // A stream already started: the error travels as one more event, as OpenAI's own streams do.
    if (!res.writableEnded) new SseStream(res).send(e.body()).end();
    return;
  }
  sendJson(res, e.status, e.body());
}

/**
 * Server-sent events in OpenAI's framing: `data: <json>` per event and a final `data: [DONE]`.
 * The one place SSE is written.
 */
export class SseStream {
  constructor(private readonly res: ServerResponse) {}

  open(headers: Record<string, string> = {}): this {
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...headers,
    });
    return this;
  }

  send(data: unknown): this {
    this.res.write(`data: ${JSON.stringify(data)}\n\n`);
    return this;
  }

  end(): this {
    this.res.end("data: [DONE]\n\n");
    return this;
  }
}
