import { FetchRequest, JsonRpcProvider, Network, type Provider, type TransactionReceipt } from "ethers";
import { PouwError } from "../../src-shared/errors.js";
import { FailoverJsonRpcProvider } from "./failover-provider.js";

export interface ProviderOptions {
  chainId?: number;
  /** Milliseconds between polls for receipts and events. */
  pollingInterval?: number;
  /** Milliseconds one JSON-RPC call may take before it fails with TIMEOUT (default RPC_TIMEOUT_MS). */
  timeoutMs?: number;
}

/**
 * Every RPC call fails after this long without an answer (ethers' own default is 5 minutes): a
 * node that accepts connections and never answers must be a clear error, not a silent hang.
 */
export const RPC_TIMEOUT_MS = 10_000;

/**
 * A provider that never serves cached answers: with caching, reads right after time travel
 * (evm_increaseTime/evm_mine) return the previous block and state checks go wrong. Given several
 * URLs of one network it fails over between them.
 */
export function createProvider(rpcUrl: string | readonly string[], opts: ProviderOptions = {}): JsonRpcProvider {
  const staticNetwork = opts.chainId === undefined ? undefined : Network.from(opts.chainId);
  const options = { cacheTimeout: -1, batchMaxCount: 1, staticNetwork, pollingInterval: opts.pollingInterval ?? 50 };
  const timeoutMs = opts.timeoutMs ?? RPC_TIMEOUT_MS;
  const urls = typeof rpcUrl === "string" ? [rpcUrl] : rpcUrl;
  // Several endpoints of one network: failover between them (failover-provider.ts).
  if (urls.length > 1) return new FailoverJsonRpcProvider(urls, staticNetwork, { ...options, timeoutMs });
  const request = new FetchRequest(urls[0]!);
  request.timeout = timeoutMs;
  return new JsonRpcProvider(request, staticNetwork, options);
}

/** Moves chain time forward and mines one block so the new time is visible to calls. */
export async function increaseTime(provider: JsonRpcProvider, seconds: number): Promise<void> {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("evm_mine", []);
}

export async function snapshot(provider: JsonRpcProvider): Promise<string> {
  return (await provider.send("evm_snapshot", [])) as string;
}

export async function revert(provider: JsonRpcProvider, id: string): Promise<void> {
  const ok = (await provider.send("evm_revert", [id])) as boolean;
  if (!ok) throw new Error(`evm_revert ${id} failed`);
}

/**
 * Polls for a receipt. Used instead of ethers' tx.wait(), which after evm_revert can wait forever
 * for a "new block" that automine never produces when a re-sent transaction has an old hash.
 */
export async function waitForReceipt(
  provider: Provider,
  hash: string,
  timeoutMs = 60_000,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) return receipt;
    if (Date.now() > deadline)
      throw new PouwError("TIMEOUT", `transaction ${hash} not mined after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
