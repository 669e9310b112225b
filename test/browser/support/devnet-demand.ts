import { readFile } from "node:fs/promises";
import path from "node:path";
import { createProvider } from "../../../src-main/chain/provider.js";
import { readSlots } from "../../../src-main/chain/task-views.js";
import { connectProtocol } from "../../../src-main/chain/contracts.js";
import { deploymentFile } from "../../../src-network/devnet/devnet.js";
import type { AppSnapshot, TaskSummary } from "../../../src-shared/app-contract.js";
import { DevnetInfo } from "../../../src-shared/devnet-info.js";
import { devAccount, requestTask, scoreWhenRevealed, type DevnetView } from "../../chain/devnet-tasks.js";

/** How the ended task came about: the devnet's own demand, or the test stepping in. */
export type DemandPath = "devnet demand" | "requested by the test" | "requested and scored by the test";

const ended = (s: AppSnapshot): TaskSummary | undefined =>
  s.tasks.find((t) => t.stage === "End" && t.rewardWei !== undefined && BigInt(t.rewardWei) > 0n);

async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits for this miner to finish a paid task. When the devnet runs its own services (its oracle,
 * which also makes background demand, registers the oracle dev account), they get `waitMs` to bring
 * one; otherwise, or if nothing ended by then, the requester dev account asks for a task for
 * `modelId` (from <dataDir>/devnet/deployment.json), and if no devnet oracle scores it, the oracle
 * dev account does. The path taken is returned so the test can say which one it was.
 */
export async function ensureEndedTask(opts: {
  dataDir: string;
  modelId: string;
  miner: string;
  status: () => Promise<AppSnapshot>;
  waitMs?: number;
  log?: (line: string) => void;
}): Promise<{ task: TaskSummary; path: DemandPath }> {
  const check = async () => ended(await opts.status());
  const info = DevnetInfo.parse(JSON.parse(await readFile(deploymentFile(path.join(opts.dataDir, "devnet")), "utf8")));
  const provider = createProvider(info.rpcUrl, { chainId: info.chainId });
  try {
    const net: DevnetView = { deployment: info, devAccounts: info.accounts, provider };
    const oracle = devAccount(net, "oracle");
    const devnetOracle = await oracle.c.nodePool.read("isActiveOracle", oracle.address);
    opts.log?.(
      `devnet services: oracle ${devnetOracle ? "running" : "absent"}, ${info.peers} peer miners, router ${info.routerUrl ?? "absent"}`,
    );
    if (devnetOracle) {
      const own = await until(check, opts.waitMs ?? 30_000);
      if (own) return { task: own, path: "devnet demand" };
    }
    const tasks = connectProtocol(info, provider).tasks;
    // With peer miners on the devnet a k = 1 task may go to one of them: ask again until it is ours.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const taskId = await requestTask(net, opts.modelId);
      opts.log?.(`requested task ${taskId} (attempt ${attempt})`);
      const [slot] = await readSlots(tasks, taskId, 1);
      if (slot?.miner.toLowerCase() !== opts.miner.toLowerCase()) continue;
      if (devnetOracle) {
        const byOracle = await until(check, 30_000);
        if (byOracle) return { task: byOracle, path: "requested by the test" };
      }
      await scoreWhenRevealed(net, taskId, slot.miner);
      const scored = await until(check, 30_000);
      if (scored) return { task: scored, path: "requested and scored by the test" };
      throw new Error(`task ${taskId} was scored but did not reach End in the miner's snapshot`);
    }
    throw new Error("five requested tasks all went to other miners");
  } finally {
    provider.destroy();
  }
}
