import { ContractFactory, Wallet, type Contract, type JsonRpcProvider, type Log } from "ethers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { PouwTokenAbi, PouwTokenBytecode } from "../../src-main/chain/generated/index.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { memoryCursorStore } from "../../src-main/sync/cursor-store.js";
import { LogSync, type LogSyncOptions } from "../../src-main/sync/log-sync.js";

let anvil: AnvilInstance;
let provider: JsonRpcProvider;
let token: Contract;
let startBlock: number;
const syncs: LogSync[] = [];

beforeAll(async () => {
  anvil = await startAnvil();
  provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId, pollingInterval: 20 });
  const owner = new Wallet(anvil.accounts[0]!.privateKey, provider);
  const factory = new ContractFactory(PouwTokenAbi, PouwTokenBytecode, owner);
  token = (await factory.deploy(owner.address, 10n ** 24n)) as Contract;
  await token.waitForDeployment();
  startBlock = await provider.getBlockNumber();
});
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await anvil?.stop();
});

let amount = 1n;
/** A transfer with a unique amount, so each log is recognisable. */
async function transfer(): Promise<bigint> {
  const value = amount++;
  await (await token.getFunction("transfer")(anvil.accounts[1]!.address, value)).wait();
  return value;
}

function collector(opts: Partial<LogSyncOptions> = {}) {
  const seen: bigint[] = [];
  const reorgs: number[] = [];
  const sync = new LogSync({
    provider,
    addresses: [String(token.target)],
    topics: [token.interface.getEvent("Transfer")!.topicHash],
    cursor: memoryCursorStore(),
    startBlock,
    pollMs: 50,
    maxRange: 3,
    onLogs: async (logs: Log[]) => {
      for (const log of logs) seen.push(token.interface.parseLog(log)!.args[2] as bigint);
    },
    onReorg: async (from) => {
      reorgs.push(from);
    },
    ...opts,
  });
  syncs.push(sync);
  return { sync, seen, reorgs };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("LogSync", () => {
  it("catches up on past events in bounded ranges, in order, exactly once", async () => {
    const sent: bigint[] = [];
    for (let i = 0; i < 10; i++) sent.push(await transfer());
    const { sync, seen } = collector();
    await sync.start();
    expect(seen.slice(-10)).toEqual(sent);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("receives new events through the subscription, with polling idle", async () => {
    const { sync, seen } = collector({ wsUrl: anvil.wsUrl, pollMs: 60_000 });
    await sync.start();
    await new Promise((r) => setTimeout(r, 300)); // let the socket subscribe
    const value = await transfer();
    await until(() => seen.includes(value));
  });

  it("falls back to polling without a subscription, and resumes after a gap without duplicates", async () => {
    const cursor = memoryCursorStore();
    const first = collector({ cursor });
    await first.sync.start();
    const a = await transfer();
    await until(() => first.seen.includes(a));
    await first.sync.stop();

    const missed = [await transfer(), await transfer()]; // while nobody listens
    const second = collector({ cursor });
    await second.sync.start();
    expect(second.seen).toEqual(missed);
  });

  it("waits for the confirmation depth before delivering", async () => {
    const { sync, seen } = collector({ confirmations: 2, pollMs: 30 });
    await sync.start();
    const value = await transfer();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).not.toContain(value);
    await provider.send("anvil_mine", ["0x2"]);
    await until(() => seen.includes(value));
  });

  it("recovers from a reorg: rewinds and delivers the new chain's events", async () => {
    const { sync, seen, reorgs } = collector({ pollMs: 30 });
    await sync.start();
    const snap = (await provider.send("evm_snapshot", [])) as string;
    const orphan = await transfer();
    await until(() => seen.includes(orphan));
    const forkBlock = await provider.getBlockNumber();

    await provider.send("evm_revert", [snap]);
    const replacement = await transfer(); // same height, different block
    await provider.send("anvil_mine", ["0x1"]);
    await until(() => seen.includes(replacement));
    expect(reorgs).toContain(forkBlock);
  });
});
