import { JsonRpcProvider, Network } from "ethers";

export interface ProviderOptions {
  chainId?: number;
  /** Milliseconds between polls for receipts and events. */
  pollingInterval?: number;
}

/**
 * A provider that never serves cached answers: with caching, reads right after time travel
 * (evm_increaseTime/evm_mine) return the previous block and state checks go wrong.
 */
export function createProvider(rpcUrl: string, opts: ProviderOptions = {}): JsonRpcProvider {
  const staticNetwork = opts.chainId === undefined ? undefined : Network.from(opts.chainId);
  const provider = new JsonRpcProvider(rpcUrl, staticNetwork, {
    cacheTimeout: -1,
    batchMaxCount: 1,
    staticNetwork,
    pollingInterval: opts.pollingInterval ?? 50,
  });
  return provider;
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
