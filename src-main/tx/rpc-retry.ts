import { isError } from "ethers";

/** RPC failures worth retrying: the node was unreachable or busy, not the transaction being wrong. */
export function isTransientRpcError(err: unknown): boolean {
  if (isError(err, "NETWORK_ERROR") || isError(err, "TIMEOUT") || isError(err, "SERVER_ERROR")) return true;
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } })?.code ??
    (err as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET"].includes(code))
    return true;
  const message = err instanceof Error ? err.message : String(err);
  return /fetch failed|socket hang up|ECONNREFUSED|ECONNRESET|429|503|502/i.test(message);
}

/**
 * Retries `fn` on transient RPC errors with exponential backoff (capped), so a node restart or a
 * dropped connection delays the miner instead of failing a task. Other errors pass through at once.
 */
export async function withRpcRetry<T>(
  fn: () => Promise<T>,
  opts: { retries?: number; baseMs?: number; maxMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const retries = opts.retries ?? 6;
  const baseMs = opts.baseMs ?? 200;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retries || !isTransientRpcError(err) || opts.signal?.aborted) throw err;
      const delay = Math.min(opts.maxMs ?? 5_000, baseMs * 2 ** attempt);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
