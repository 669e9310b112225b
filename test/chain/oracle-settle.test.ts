import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import { FakeInference } from "../helpers/fake-inference.js";
import type { InferenceRequest, InferenceResult } from "../../src-main/miner/inference.js";
import { decodeTaskLog, type TaskEventOf } from "../../src-main/miner/task-events.js";
import type { OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { requestUserTask, type Chain } from "./fixture.js";
import { startRig, useMinerChain, waitFor } from "./miner-harness.js";
import { startTestOracle } from "./oracle-harness.js";

/** Answers like every other fake miner until told to say something unrelated. */
class SwitchableInference extends FakeInference {
  unrelated = false;
  override async generate(req: InferenceRequest, signal?: AbortSignal): Promise<InferenceResult> {
    const r = await super.generate(req, signal);
    return this.unrelated
      ? { ...r, text: "Quantum chromodynamics explains why gluons confine quarks inside protons." }
      : r;
  }
}

const env = useMinerChain({ miners: 3, oracles: 1, requesters: 1, rigPerMiner: false });
const odd = new SwitchableInference();
let chain: Chain;
let oracle: OpenedOracle;
const oracleErrors: unknown[] = [];

beforeAll(async () => {
  chain = env.chain;
  for (const [i, m] of chain.miners.entries()) {
    env.rigs.push(await startRig(chain, m, path.join(env.dir, `m${i}`), i === 2 ? { inference: odd } : {}));
  }
  oracle = await startTestOracle(chain, env.dir, oracleErrors);
});
afterAll(async () => {
  await oracle?.close();
});

async function eventsOf<N extends "Credited" | "PoiSubmitted">(
  name: N,
  taskId: bigint,
): Promise<Array<TaskEventOf<N>>> {
  const logs = await chain.provider.getLogs({
    address: chain.deployment.contracts.tasks,
    fromBlock: chain.deployment.deployedAtBlock,
    toBlock: "latest",
  });
  return logs.map(decodeTaskLog).filter((e): e is TaskEventOf<N> => e?.name === name && e.taskId === taskId);
}

async function runToEnd(taskId: bigint): Promise<string[]> {
  const tasks = chain.owner.c.tasks;
  await waitFor(`task ${taskId} to end`, async () => (await readTask(tasks, taskId)).state === "End", 40_000);
  const slots = await readSlots(tasks, taskId, 3);
  await waitFor(`miner records of task ${taskId}`, () =>
    slots.every((s, slot) => env.rigOf(s.miner).records.get(taskId.toString(), slot)?.outcome !== undefined),
  );
  return slots.map((s) => s.miner);
}

describe("oracle node settles tasks on its own", () => {
  it("a k=3 task answered alike by three engines ends Settled and every miner is credited", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const miners = await runToEnd(taskId);
    expect((await readTask(chain.owner.c.tasks, taskId)).outcome).toBe("Settled");

    const [poi] = await eventsOf("PoiSubmitted", taskId);
    expect(poi?.oracle).toBe(chain.oracles[0]!.address);
    expect(poi?.scoresBps).toEqual([10_000, 10_000, 10_000]);
    const credited = await eventsOf("Credited", taskId);
    for (const [slot, m] of miners.entries()) {
      const paid = credited.find((c) => c.kind === "miner" && c.account === m);
      expect(paid?.amount ?? 0n).toBeGreaterThan(0n);
      const record = env.rigOf(m).records.get(taskId.toString(), slot)!;
      expect(record.outcome).toBe("Completed");
      expect(BigInt(record.reward)).toBe(paid?.amount);
    }
    expect(credited.some((c) => c.kind === "oracle" && c.account === chain.oracles[0]!.address)).toBe(true);
    // Besides perhaps the draw (the requester usually sends it first), the oracle sent one transaction: its PoI.
    const intents = oracle.journal
      .all()
      .filter((r) => r.taskId === taskId.toString() && r.kind === "intent" && !r.action.startsWith("assign:"));
    expect(intents.map((r) => r.action)).toEqual(["poi"]);
    expect(oracleErrors).toEqual([]);
  });

  it("an unrelated answer scores low: that miner is an outlier and gets no reward", async () => {
    odd.unrelated = true;
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const miners = await runToEnd(taskId);
    const oddSlot = miners.indexOf(chain.miners[2]!.address);
    expect(oddSlot).toBeGreaterThanOrEqual(0);

    const [poi] = await eventsOf("PoiSubmitted", taskId);
    for (const [slot, score] of (poi?.scoresBps ?? []).entries()) {
      if (slot === oddSlot) expect(score).toBeLessThan(3_000);
      else expect(score).toBe(10_000);
    }
    const credited = await eventsOf("Credited", taskId);
    expect(credited.some((c) => c.kind === "miner" && c.account === chain.miners[2]!.address)).toBe(false);
    expect(credited.filter((c) => c.kind === "miner")).toHaveLength(2);
    const oddRecord = env.rigOf(chain.miners[2]!.address).records.get(taskId.toString(), oddSlot)!;
    expect(oddRecord.outcome).toBe("Outlier");
    expect(oddRecord.reward).toBe("0");
    expect(oracleErrors).toEqual([]);
  });
});
