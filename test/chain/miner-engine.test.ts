import { readFile } from "node:fs/promises";
import { parseEther } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { outputHashOf, readSlots, readTask } from "../../src-main/chain/task-views.js";
import { decodeTaskLog } from "../../src-main/miner/task-events.js";
import { TaskEngine } from "../../src-main/miner/task-engine.js";
import { withdrawRewards } from "../../src-main/miner/registration.js";
import { drawTask, MODEL, requestUserTask, type Chain } from "./fixture.js";
import { useMinerChain, waitFor } from "./miner-harness.js";

const env = useMinerChain({ miners: 3, oracles: 1, requesters: 1, rigPerMiner: true });
let chain: Chain;
beforeAll(() => {
  chain = env.chain;
});

const rigOf = (address: string) => env.rigOf(address);
const nonceOf = (address: string) => chain.provider.getTransactionCount(address, "latest");

/** Waits for the engines to reveal, settles as the oracle, and waits for every record to end. */
async function settle(taskId: bigint): Promise<string[]> {
  const tasks = chain.owner.c.tasks;
  await waitFor(`reveals of task ${taskId}`, async () => (await readTask(tasks, taskId)).revealsClosed, 30_000);
  const t = await readTask(tasks, taskId);
  const slots = await readSlots(tasks, taskId, t.k);
  expect(slots.every((s) => s.status === "Revealed")).toBe(true);
  await chain.oracles[0]!.c.tasks.send(
    "submitPoi",
    taskId,
    slots.map(() => 9_500),
  );
  expect((await readTask(tasks, taskId)).state).toBe("End");
  const miners = slots.map((s) => s.miner);
  // Settled means: End recorded with its outcome, and the listener has seen that final version
  // (the store updates memory before its fsync'd write, and reports after it).
  await waitFor(`records of task ${taskId}`, () =>
    miners.every((m, slot) => {
      const rig = rigOf(m);
      const record = rig.records.get(taskId.toString(), slot);
      const last = rig.changes.filter((c) => c.taskId === taskId.toString() && c.slot === slot).at(-1);
      return (
        record?.outcome !== undefined &&
        record.states.some((s) => s.state === "End") &&
        JSON.stringify(last) === JSON.stringify(record)
      );
    }),
  );
  return miners;
}

describe.each([1, 3])("user task with k = %i", (k) => {
  it("every assigned engine acks, precommits and reveals; the reward is recorded and can be withdrawn", async () => {
    const noncesBefore = new Map<string, number>();
    for (const m of chain.miners) noncesBefore.set(m.address, await nonceOf(m.address));
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k });
    const miners = await settle(taskId);
    expect(miners).toHaveLength(k);

    for (const [slot, miner] of miners.entries()) {
      const rig = rigOf(miner);
      const record = rig.records.get(taskId.toString(), slot)!;
      expect(record.kind).toBe("user");
      expect(record.states.map((s) => s.state)).toEqual(["Start", "Precommit", "Commit", "End"]);
      expect(record.outcome).toBe("Completed");
      expect(record.poiScoreBps).toBe(9_500);
      expect(BigInt(record.reward)).toBeGreaterThan(0n);
      expect(BigInt(record.gasSpent)).toBeGreaterThan(0n);
      expect(record.outputPreview).toMatch(/\w/);
      // The listener saw the record grow step by step and its last report is the stored record.
      const reported = rig.changes.filter((c) => c.taskId === taskId.toString() && c.slot === slot);
      expect(reported.length).toBeGreaterThanOrEqual(4);
      expect(reported.at(-1)).toEqual(record);
      // Exactly ack, precommit and reveal: three transactions, one of each.
      expect((await nonceOf(miner)) - noncesBefore.get(miner)!).toBe(3);
      expect(await chain.owner.c.tasks.read("owed", miner)).toBe(BigInt(record.reward));
      const paid = await withdrawRewards({ signer: rig.node.wallet, contracts: rig.node.c });
      expect(paid.amount).toBe(BigInt(record.reward));
      expect(await chain.owner.c.tasks.read("owed", miner)).toBe(0n);
    }
    for (const r of env.rigs) expect(r.errors).toEqual([]);
    for (const r of env.rigs) expect(r.engine.active()).toEqual([]);
  });
});

describe("idempotency", () => {
  it("replaying every past log twice into a restarted engine sends nothing and changes no record", async () => {
    const rig = env.rigs[0]!;
    await rig.engine.idle();
    const logs = await chain.provider.getLogs({
      address: chain.deployment.contracts.tasks,
      fromBlock: chain.deployment.deployedAtBlock,
      toBlock: "latest",
    });
    expect(logs.length).toBeGreaterThan(10);
    const nonce = await nonceOf(rig.node.address);
    const recordsBefore = await readFile(rig.records.filePath, "utf8");
    const journalBefore = rig.journal.all().length;
    // A second engine over the same journal and history: its in-memory duplicate filter is empty.
    const again = new TaskEngine({
      address: rig.node.address,
      contracts: rig.node.c,
      provider: chain.provider,
      txQueue: rig.queue,
      inference: rig.inference,
      journal: rig.journal,
      records: rig.records,
      fromBlock: chain.deployment.deployedAtBlock,
    });
    const calls = rig.inference.calls;
    await again.handleLogs(logs);
    await again.idle();
    await again.handleLogs(logs);
    await again.idle();
    expect(await nonceOf(rig.node.address)).toBe(nonce);
    expect(await readFile(rig.records.filePath, "utf8")).toBe(recordsBefore);
    expect(rig.journal.all().length).toBe(journalBefore);
    expect(rig.inference.calls).toBe(calls);
  });
});

describe("duplicate events mid-task", () => {
  it("events handled again and again while the task runs still give one transaction per step", async () => {
    const noncesBefore = await Promise.all(chain.miners.map((m) => nonceOf(m.address)));
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    let stop = false;
    // Bypasses the engines' duplicate filter: every event is handled as if delivered anew.
    const hammer = (async () => {
      while (!stop) {
        const logs = await chain.provider.getLogs({
          address: chain.deployment.contracts.tasks,
          fromBlock: chain.deployment.deployedAtBlock,
          toBlock: "latest",
        });
        const events = logs.map(decodeTaskLog).filter((e) => e !== undefined);
        for (const r of env.rigs) for (const e of events) await r.engine.handleEvent(e);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    try {
      await settle(taskId);
    } finally {
      stop = true;
      await hammer;
    }
    for (const [i, m] of chain.miners.entries()) expect((await nonceOf(m.address)) - noncesBefore[i]!).toBe(3);
    for (const r of env.rigs)
      expect(r.journal.all().filter((j) => j.taskId === taskId.toString() && j.action === "output")).toHaveLength(1);
    for (const r of env.rigs) expect(r.errors).toEqual([]);
  });
});

describe("prompts this miner cannot read", () => {
  it("a user task whose prompt is kept at a URL is declined on chain (free), not acked", async () => {
    const requester = chain.requesters[0]!;
    const payment = parseEther("1");
    await requester.c.token.send("approve", chain.deployment.contracts.tasks, payment);
    const spec = {
      modelId: MODEL,
      promptHash: outputHashOf("the real prompt"),
      promptUri: "https://example.invalid/p.txt",
      maxTokens: 8,
      temperatureMilli: 0,
      seed: 1,
      k: 1,
      priority: 0,
    };
    await requester.c.tasks.send("requestTask", spec, payment);
    const taskId = await chain.owner.c.tasks.read("taskCount");
    await drawTask(requester, taskId);
    const [slot] = await readSlots(chain.owner.c.tasks, taskId, 1);
    const rig = rigOf(slot!.miner);
    const before = await chain.owner.c.nodePool.read("getNode", rig.node.address);
    await waitFor(
      "the decline",
      async () => (await readSlots(chain.owner.c.tasks, taskId, 1))[0]!.status === "Dropped",
    );
    await rig.engine.idle();
    expect(
      rig.journal.all().some((r) => r.taskId === taskId.toString() && r.action === "ack" && r.kind === "abandoned"),
    ).toBe(true);
    const after = await chain.owner.c.nodePool.read("getNode", rig.node.address);
    expect([after.stake, after.timedOut, after.busy]).toEqual([before.stake, before.timedOut, false]);
    // The only slot declined: the requester is refunded in full.
    expect((await readTask(chain.owner.c.tasks, taskId)).outcome).toBe("Refunded");
    expect(rig.errors).toEqual([]);
  });
});
