import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import { modelIdOf, readTask } from "../../src-main/chain/task-views.js";
import {
  ackAll,
  assignedMiners,
  EMBEDDING_MODEL,
  freshChainPerTest,
  MODEL,
  nodeOf,
  precommitAll,
  requestBackgroundTask,
  revealAll,
  type Chain,
  type MinerRun,
} from "./fixture.js";

// Issue 13's pool drain: one oracle and one miner took a whole epoch budget with k = 1 tasks on
// any model id, the creator paid up front. Each door is now closed, asserted by balances.
let chain: Chain;
freshChainPerTest({ miners: 5, oracles: 1, requesters: 1 }, (c) => (chain = c));

const P = DEFAULT_DEPLOY_PARAMS;
const tasks = () => chain.owner.c.tasks;
const oracle = () => chain.oracles[0]!;
const owed = (a: string) => tasks().read("owed", a);
const poolAddr = () => chain.deployment.contracts.incentivePool;

/** Requests a background task and walks its creator through seed and prompt. */
async function createdTask(): Promise<{ taskId: bigint; creator: string }> {
  const taskId = await requestBackgroundTask(chain, oracle(), 3);
  const creator = await tasks().read("creatorOf", taskId);
  const node = nodeOf(chain, creator);
  await node.c.tasks.send("submitSeed", taskId, MODEL, "a brave snail");
  await node.c.tasks.send("submitPrompt", taskId, MODEL, "Write about a brave snail.");
  return { taskId, creator };
}

async function answered(taskId: bigint, outputFor: (slot: number) => string): Promise<MinerRun[]> {
  const runs = await assignedMiners(chain, taskId, outputFor);
  await ackAll(taskId, runs);
  await precommitAll(taskId, runs);
  await revealAll(taskId, runs);
  return runs;
}

describe("network-paid tasks", () => {
  it("refuse fewer than three miners, unapproved models and a missing embedding-model pin", async () => {
    for (const k of [1, 2])
      await expect(oracle().c.incentivePool.send("requestBackgroundTask", MODEL, k)).rejects.toThrow(/BadK/);
    const junk = modelIdOf("any-model-id");
    await expect(oracle().c.incentivePool.send("requestBackgroundTask", junk, 3)).rejects.toThrow(/ModelNotApproved/);
    // Pins are the owner's alone.
    await expect(oracle().c.incentivePool.send("approveModel", junk, ZeroHash.replace(/0$/, "1"))).rejects.toThrow(
      /OwnableUnauthorizedAccount/,
    );
    await chain.owner.c.incentivePool.send("pinEmbeddingModel", EMBEDDING_MODEL, ZeroHash);
    await expect(oracle().c.incentivePool.send("requestBackgroundTask", MODEL, 3)).rejects.toThrow(/NoEmbeddingModel/);
    expect(await tasks().read("taskCount")).toBe(0n);
  });

  it("pay the creator nothing up front, and nothing at all when the outputs do not agree", async () => {
    const poolBefore = await chain.owner.c.token.read("balanceOf", poolAddr());
    const { taskId, creator } = await createdTask();
    expect(await owed(creator)).toBe(0n);
    // Three unrelated answers: whatever the medoid, at most one slot is "consistent".
    const runs = await answered(taskId, (slot) => `junk ${slot}`);
    const scores = runs.map((r) => (r.slot === 0 ? 10_000 : 1_000));
    await oracle().c.tasks.send("submitPoi", taskId, scores);
    const t = await readTask(tasks(), taskId);
    expect([t.state, t.outcome]).toEqual(["End", "Settled"]);
    expect(await owed(creator)).toBe(0n);
    for (const r of runs) expect(await owed(r.node.address)).toBe(0n);
    // The pool gets everything back but the oracle's fee.
    await chain.owner.c.incentivePool.send("reclaim");
    const oracleFee = (P.rewardPerBackgroundTask * BigInt(P.oracleFeeBps)) / 10_000n;
    expect(await chain.owner.c.token.read("balanceOf", poolAddr())).toBe(poolBefore - oracleFee);
  });

  it("pay the creator and the agreeing miners when a majority of the k outputs agree", async () => {
    const { taskId, creator } = await createdTask();
    const runs = await answered(taskId, () => "The snail crossed the garden bravely.");
    await oracle().c.tasks.send(
      "submitPoi",
      taskId,
      runs.map(() => 9_500),
    );
    const fee = (P.rewardPerBackgroundTask * BigInt(P.creatorFeeBps)) / 10_000n;
    const creatorIsMiner = runs.some((r) => r.node.address === creator);
    if (!creatorIsMiner) expect(await owed(creator)).toBe(fee);
    else expect(await owed(creator)).toBeGreaterThan(fee);
    for (const r of runs) expect(await owed(r.node.address)).toBeGreaterThan(0n);
  });
});
