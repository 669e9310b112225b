import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import { increaseTime } from "../../src-main/chain/provider.js";
import { readTask } from "../../src-main/chain/task-views.js";
import { decodeTaskLog, type TaskEvent } from "../../src-main/miner/task-events.js";
import { BagOfWordsEmbedder } from "../helpers/fake-embedder.js";
import { openOracle, type OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { requestUserTask, type Chain } from "./fixture.js";
import { useMinerChain, waitFor } from "./miner-harness.js";

// Two oracle nodes race for every task: liveness needs no particular oracle, and losing is no error.
const env = useMinerChain({ miners: 3, oracles: 2, requesters: 1, rigPerMiner: true });
let chain: Chain;
const nodes: OpenedOracle[] = [];
const errors: unknown[] = [];

beforeAll(async () => {
  chain = env.chain;
  for (const [i, o] of chain.oracles.entries()) {
    const opened = await openOracle({
      dir: path.join(env.dir, `oracle${i}`),
      signer: o.wallet,
      provider: chain.provider,
      contracts: o.c,
      embedder: new BagOfWordsEmbedder(),
      startBlock: chain.deployment.deployedAtBlock,
      pollMs: 50,
      txQueue: { pollMs: 20 },
      onError: (err) => errors.push(err),
    });
    nodes.push(opened);
    await opened.node.start();
  }
});
afterAll(async () => {
  for (const n of nodes) await n.close();
});

async function eventsOf(taskId: bigint): Promise<TaskEvent[]> {
  const logs = await chain.provider.getLogs({
    address: chain.deployment.contracts.tasks,
    fromBlock: chain.deployment.deployedAtBlock,
    toBlock: "latest",
  });
  return logs
    .map(decodeTaskLog)
    .filter((e): e is TaskEvent => e !== undefined && e.name !== "Withdrawn" && e.taskId === taskId);
}

describe("two oracles", () => {
  it("settle each task once; the oracle that loses the race reports no error", async () => {
    for (let i = 0; i < 2; i++) {
      const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
      await waitFor(`task ${taskId} to end`, async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End");
      const events = await eventsOf(taskId);
      expect(events.filter((e) => e.name === "PoiFinalized")).toHaveLength(1);
      expect(events.filter((e) => e.name === "Credited" && e.kind === "miner")).toHaveLength(3);
    }
    await Promise.all(nodes.map((n) => n.node.wake()));
    for (const n of nodes) expect(n.node.openTasks()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("advance a task whose Request deadline passed once: one refund, one keeper fee", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 4 });
    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.windows.request + 1);
    await waitFor(`task ${taskId} to end`, async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End");
    expect((await readTask(chain.owner.c.tasks, taskId)).outcome).toBe("Refunded");
    const credited = (await eventsOf(taskId)).filter((e) => e.name === "Credited");
    expect(credited.map((c) => c.kind).sort()).toEqual(["keeper", "refund"]);
    await Promise.all(nodes.map((n) => n.node.wake()));
    expect(errors).toEqual([]);
  });
});
