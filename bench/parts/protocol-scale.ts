import { parseEther, Wallet, type TransactionReceipt } from "ethers";
import { startAnvil } from "../../src-main/chain/anvil.js";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { deployProtocol } from "../../src-main/chain/deploy.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { outputHashOf } from "../../src-main/chain/task-views.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import { MODEL } from "../../test/chain/fixture.js";
import type { BenchRow } from "../types.js";

/** Miners registered for one model: issue 13 asks for requestTask gas at each (goal: 10,000 within 1.5× of 10). */
export const SCALE_SIZES = (process.env.POUW_BENCH_SCALE ?? "10,100,1000").split(",").map(Number);
const K = 3;
const BATCH = 50;

/**
 * Gas of a k = 3 user request (requestTask + the assign that draws its miners) with `n` miners
 * registered for the model, on a fresh anvil. Miners register in parallel batches (own nonces).
 */
async function requestGasWith(n: number): Promise<{ request: number; assign: number } | { error: string }> {
  const anvil = await startAnvil({ accounts: n + 2 });
  const provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
  try {
    const owner = new Wallet(anvil.accounts[0]!.privateKey, provider);
    const { deployment, contracts } = await deployProtocol(owner);
    const wallets = anvil.accounts.slice(1).map((a) => new Wallet(a.privateKey, provider));
    for (const w of wallets) await contracts.token.send("transfer", w.address, parseEther("200"));
    const miners = wallets.slice(0, n);
    for (let i = 0; i < miners.length; i += BATCH) {
      await Promise.all(
        miners.slice(i, i + BATCH).map(async (w) => {
          const c = connectProtocol(deployment, w);
          await c.token.send("approve", deployment.contracts.nodePool, parseEther("100"));
          await c.nodePool.send("register", nodeRoleIndex("Miner"), parseEther("100"), 1000, [MODEL]);
        }),
      );
    }
    const requester = connectProtocol(deployment, wallets.at(-1)!);
    await requester.token.send("approve", deployment.contracts.tasks, parseEther("10"));
    const spec = {
      modelId: MODEL,
      promptHash: outputHashOf("p"),
      promptUri: "p",
      maxTokens: 64,
      temperatureMilli: 0,
      seed: 1,
      k: K,
      priority: 2,
    };
    const request: TransactionReceipt = await requester.tasks.send("requestTask", spec, parseEther("10"));
    const taskId = await requester.tasks.read("taskCount");
    try {
      const assign = await requester.tasks.send("assign", taskId);
      return { request: Number(request.gasUsed), assign: Number(assign.gasUsed) };
    } catch (err) {
      return { error: err instanceof Error ? err.message.split("\n")[0]! : String(err) };
    }
  } finally {
    provider.destroy();
    await anvil.stop();
  }
}

export async function scaleRows(log: (line: string) => void): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  let base: number | undefined;
  for (const n of SCALE_SIZES) {
    const started = performance.now();
    const g = await requestGasWith(n);
    if ("error" in g) {
      log(`${n} miners: the draw failed (${g.error})`);
      notes.push(`${n} miners: the draw failed: ${g.error}`);
      continue;
    }
    const total = g.request + g.assign;
    base ??= total;
    log(
      `${n} miners: requestTask ${g.request} + assign ${g.assign} = ${total} gas (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    const goal = n === 10_000 ? { goal: `≤ 1.5 × ${base}`, pass: total <= 1.5 * base } : {};
    rows.push({
      metric: `k=${K} requestTask + assign gas, ${n} miners for the model`,
      value: total,
      unit: "gas",
      ...goal,
    });
  }
  notes.push(
    "selection still walks every miner listed for the model (O(n)); the sortition tree of issue 13 item 6 is not built yet",
  );
  return { rows, notes };
}
