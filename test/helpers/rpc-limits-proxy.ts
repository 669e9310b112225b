import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProviderLimits {
  /** eth_getLogs over more blocks than this is refused (QuickNode/Alchemy-style message). */
  maxBlockRange?: number;
  /** eth_getLogs returning more logs than this is refused (Infura-style message). */
  maxLogs?: number;
  /** Every Nth request is answered HTTP 429 (a rate limit). */
  rateLimitEvery?: number;
}

export interface RpcLimitsProxy {
  url: string;
  /** Every eth_getLogs range asked for, [from, to], refused ones included. */
  readonly getLogsRanges: Array<[number, number]>;
  readonly refused: { range: number; results: number; rate: number };
  close(): Promise<void>;
}

interface RpcRequest {
  id: unknown;
  method: string;
  params?: unknown[];
}

const hexToNumber = (v: unknown, fallback: number) =>
  typeof v === "string" && v.startsWith("0x") ? parseInt(v, 16) : fallback;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node, answering as hosted providers do when a
 * request is over their limits: block ranges, result counts, request rates. Everything else is
 * passed through unchanged.
 */
export async function startRpcLimitsProxy(upstream: string, limits: ProviderLimits): Promise<RpcLimitsProxy> {
  const getLogsRanges: Array<[number, number]> = [];
  const refused = { range: 0, results: 0, rate: 0 };
  let requests = 0;
  const forward = async (text: string) => {
    const res = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    return res.text();
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await body(req);
      const reply = (status: number, payload: string) =>
        res.writeHead(status, { "content-type": "application/json" }).end(payload);
      if (limits.rateLimitEvery && ++requests % limits.rateLimitEvery === 0) {
        refused.rate++;
        return reply(
          429,
          JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: 429, message: "Too Many Requests" } }),
        );
      }
      const call = JSON.parse(text) as RpcRequest | RpcRequest[];
      if (Array.isArray(call) || call.method !== "eth_getLogs") return reply(200, await forward(text));
      const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      const head = parseInt(
        (
          JSON.parse(await forward(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber" }))) as {
            result: string;
          }
        ).result,
        16,
      );
      const from = hexToNumber(filter.fromBlock, head);
      const to = hexToNumber(filter.toBlock, head);
      getLogsRanges.push([from, to]);
      const error = (code: number, message: string) =>
        reply(200, JSON.stringify({ jsonrpc: "2.0", id: call.id, error: { code, message } }));
      if (limits.maxBlockRange && to - from + 1 > limits.maxBlockRange) {
        refused.range++;
        return error(-32614, `eth_getLogs is limited to a ${limits.maxBlockRange} range`);
      }
      const answer = await forward(text);
      const logs = (JSON.parse(answer) as { result?: unknown[] }).result ?? [];
      if (limits.maxLogs && logs.length > limits.maxLogs) {
        refused.results++;
        return error(-32005, `query returned more than ${limits.maxLogs} results`);
      }
      return reply(200, answer);
    })().catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    getLogsRanges,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
