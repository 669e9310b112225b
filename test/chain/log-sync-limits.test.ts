import { ContractFactory, Wallet, type Contract, type JsonRpcProvider, type Log } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { PouwTokenAbi, PouwTokenBytecode } from "../../src-main/chain/generated/index.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { memoryCursorStore } from "../../src-main/sync/cursor-store.js";
import { LogSync } from "../../src-main/sync/log-sync.js";
import { startRpcLimitsProxy, type ProviderLimits, type RpcLimitsProxy } from "../helpers/rpc-limits-proxy.js";
import { waitFor } from "./miner-harness.js";

// Log catch-up through a proxy that answers as hosted providers do over their limits (a block range
// cap, a result cap, HTTP 429 now and then): every event is still delivered once, in order.
let anvil: AnvilInstance;
let direct: JsonRpcProvider;
let token: Contract;
let startBlock: number;
let proxy: RpcLimitsProxy;
const limits: ProviderLimits = { maxBlockRange: 8, maxLogs: 5, rateLimitEvery: 9 };

beforeAll(async () => {
  anvil = await startAnvil();
  direct = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
  const owner = new Wallet(anvil.accounts[0]!.privateKey, direct);
  token = (await new ContractFactory(PouwTokenAbi, PouwTokenBytecode, owner).deploy(
    owner.address,
    10n ** 24n,
  )) as Contract;
  await token.waitForDeployment();
  startBlock = (await direct.getBlockNumber()) + 1;
  proxy = await startRpcLimitsProxy(anvil.rpcUrl, limits);
});
afterAll(async () => {
  await proxy?.close();
  direct?.destroy();
  await anvil?.stop();
});

let amount = 1n;
async function transfers(n: number): Promise<bigint[]> {
  const sent: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const value = amount++;
    await (await token.getFunction("transfer")(anvil.accounts[1]!.address, value)).wait();
    sent.push(value);
  }
  return sent;
}

describe("LogSync against a provider's limits", () => {
  it("shrinks its range on range, result and rate limits, delivers every event once, and grows back when they lift", async () => {
    const sent = await transfers(40);
    const provider = createProvider(proxy.url, { chainId: anvil.chainId, pollingInterval: 50 });
    const seen: bigint[] = [];
    const sync = new LogSync({
      provider,
      addresses: [String(token.target)],
      topics: [token.interface.getEvent("Transfer")!.topicHash],
      cursor: memoryCursorStore(),
      startBlock,
      pollMs: 50,
      maxRange: 64,
      onLogs: async (logs: Log[]) => {
        for (const log of logs) seen.push(token.interface.parseLog(log)!.args[2] as bigint);
      },
    });
    try {
      await sync.start();
      expect(seen).toEqual(sent);
      expect(proxy.refused.range).toBeGreaterThan(0);
      expect(proxy.refused.results).toBeGreaterThan(0);
      expect(proxy.refused.rate).toBeGreaterThan(0);
      expect(sync.rangeSize).toBeLessThanOrEqual(8);

      // The provider lifts its limits: the range grows back to the maximum as catch-ups succeed.
      limits.maxBlockRange = undefined;
      limits.maxLogs = undefined;
      limits.rateLimitEvery = undefined;
      const more: bigint[] = [];
      await waitFor(
        "the range to grow back to 64 blocks",
        async () => {
          more.push(...(await transfers(1)));
          return sync.rangeSize === 64;
        },
        60_000,
      );
      await waitFor("the new events to arrive", async () => seen.length === sent.length + more.length, 10_000);
      expect(seen).toEqual([...sent, ...more]);
    } finally {
      await sync.stop();
      provider.destroy();
    }
  }, 120_000);
});
