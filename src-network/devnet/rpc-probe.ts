/**
 * The chain id a JSON-RPC server at `url` reports, or undefined when nothing answers in time.
 * A plain fetch, not an ethers provider: a provider retries an unreachable URL forever.
 */
export async function rpcChainId(url: string, timeoutMs = 3000): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { result?: unknown };
    return typeof body.result === "string" ? Number(BigInt(body.result)) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether any HTTP server answers at `url` (with any status): JSON-RPC nodes, routers, health ports. */
export async function answersHttp(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await fetch(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
