import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { increaseTime } from "../../src-main/chain/provider.js";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import { decodeTaskLog, type TaskEvent } from "../../src-main/miner/task-events.js";
import type { OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { requestUserTask, type Chain } from "./fixture.js";
import { startRig, useMinerChain, waitFor } from "./miner-harness.js";
import { startTestOracle } from "./oracle-harness.js";

// No slashing, so the stalled miner stays eligible and the second task can use every miner.
const env = useMinerChain({ miners: 4, oracles: 1, requesters: 1, rigPerMiner: false, params: { slashAmount: 0n } });
let chain: Chain;
let oracle: OpenedOracle;
const oracleErrors: unknown[] = [];
/** The one miner that never runs an engine: it is assigned but never acks. */
let stalled: string;

beforeAll(async () => {
  chain = env.chain;
  oracle = await startTestOracle(chain, env.dir, oracleErrors);
});
afterAll(async () => {
  await oracle?.close();
});

async function taskEvents(taskId: bigint): Promise<TaskEvent[]> {
  const logs = await chain.provider.getLogs({
    address: chain.deployment.contracts.tasks,
    fromBlock: chain.deployment.deployedAtBlock,
    toBlock: "latest",
  });
  return logs
    .map(decodeTaskLog)
    .filter((e): e is TaskEvent => e !== undefined && e.name !== "Withdrawn" && e.taskId === taskId);
}

const intents = (taskId: bigint) =>
  oracle.journal
    .all()
    .filter((r) => r.taskId === taskId.toString() && r.kind === "intent")
    .map((r) => r.action);

describe("deadlines", () => {
  it("a miner that never acks is replaced by an idle one after the Start deadline, and the task ends", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const assigned = (await readSlots(chain.owner.c.tasks, taskId, 3)).map((s) => s.miner);
    stalled = assigned[0]!;
    // Engines for everyone but the stalled miner, including the idle one that can take its slot.
    for (const [i, m] of chain.miners.entries()) {
      if (m.address !== stalled) env.rigs.push(await startRig(chain, m, path.join(env.dir, `m${i}`)));
    }
    await waitFor(
      "the other two acks",
      async () => (await readSlots(chain.owner.c.tasks, taskId, 3)).filter((s) => s.status === "Acked").length === 2,
    );
    // Before the deadline the oracle must not touch the task.
    await new Promise((r) => setTimeout(r, 300));
    expect(intents(taskId)).toEqual([]);

    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.windows.start + 1);
    await waitFor(
      `task ${taskId} to end`,
      async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End",
      40_000,
    );

    const events = await taskEvents(taskId);
    const reassigned = events.find((e) => e.name === "SlotReassigned");
    expect(reassigned).toMatchObject({ oldMiner: stalled, slot: 0 });
    expect((await readTask(chain.owner.c.tasks, taskId)).outcome).toBe("Settled");
    const credited = events.filter((e) => e.name === "Credited");
    expect(credited.filter((c) => c.kind === "miner")).toHaveLength(3);
    expect(credited.some((c) => c.kind === "keeper" && c.account === chain.oracles[0]!.address)).toBe(true);
    expect(intents(taskId)).toEqual([expect.stringMatching(/^reassign:0:\d+$/), "poi"]);
    expect(oracleErrors).toEqual([]);
  });

  it("when no idle miner can take the slot, the oracle advances: the stalled slot is dropped and the rest settle", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 4 });
    const slots = await readSlots(chain.owner.c.tasks, taskId, 4);
    const stalledSlot = slots.findIndex((s) => s.miner === stalled);
    expect(stalledSlot).toBeGreaterThanOrEqual(0);
    await waitFor(
      "the other three acks",
      async () => (await readSlots(chain.owner.c.tasks, taskId, 4)).filter((s) => s.status === "Acked").length === 3,
    );

    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.windows.start + 1);
    await waitFor(
      `task ${taskId} to end`,
      async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End",
      40_000,
    );

    const events = await taskEvents(taskId);
    expect(events.filter((e) => e.name === "SlotDropped")).toMatchObject([
      { miner: stalled, slot: stalledSlot, during: "Start" },
    ]);
    expect(events.some((e) => e.name === "SlotReassigned")).toBe(false);
    const poi = events.find((e) => e.name === "PoiSubmitted");
    expect(poi?.name === "PoiSubmitted" && poi.scoresBps[stalledSlot]).toBe(0);
    expect(events.filter((e) => e.name === "Credited" && e.kind === "miner")).toHaveLength(3);
    expect(intents(taskId)).toEqual([expect.stringMatching(/^advance:Start:\d+$/), "poi"]);
    expect(oracleErrors).toEqual([]);
  });
});
