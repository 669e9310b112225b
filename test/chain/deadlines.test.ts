import { parseEther } from "ethers";
import { describe, expect, it } from "vitest";
import { increaseTime } from "../../src-main/chain/provider.js";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import {
  ackAll,
  assignedMiners,
  MODEL,
  nodeOf,
  precommitAll,
  requestBackgroundTask,
  requestUserTask,
  revealAll,
  STAKE,
  type Chain,
  freshChainPerTest,
} from "./fixture.js";

const W = DEFAULT_DEPLOY_PARAMS.windows;
const KEEPER_FEE = DEFAULT_DEPLOY_PARAMS.keeperFee;
const SLASH = DEFAULT_DEPLOY_PARAMS.slashAmount;
let chain: Chain;
// Every test starts from the freshly deployed chain and must conserve funds.
freshChainPerTest({ miners: 6, oracles: 1, requesters: 2 }, (c) => (chain = c));

const oracle = () => chain.oracles[0]!;
const tasks = () => chain.owner.c.tasks;
const rep = (a: string) => chain.owner.c.nodePool.read("reputation", a);
const isBusy = async (a: string) => (await chain.owner.c.nodePool.read("getNode", a)).busy;
const stakeOf = async (a: string) => (await chain.owner.c.nodePool.read("getNode", a)).stake;

describe("Start deadline", () => {
  it("lets an oracle reassign a stalled slot: the staller (never acked) loses reputation, not stake; the oracle earns a fee", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, () => "out");
    await ackAll(taskId, runs.slice(0, 2));
    const stalled = runs[2]!;
    await expect(oracle().c.tasks.send("reassign", taskId, stalled.slot)).rejects.toThrow(/DeadlineNotPassed/);
    await increaseTime(chain.provider, W.start + 1);
    // Only oracles act right at the deadline; anyone only after the keeper grace period.
    await expect(chain.miners[0]!.c.tasks.send("reassign", taskId, stalled.slot)).rejects.toThrow(/KeeperTooEarly/);
    await expect(oracle().c.tasks.send("reassign", taskId, runs[0]!.slot)).rejects.toThrow(/BadSlotStatus/);
    await oracle().c.tasks.send("reassign", taskId, stalled.slot);

    const slots = await readSlots(tasks(), taskId, 3);
    const fresh = slots[stalled.slot]!.miner;
    expect(runs.map((r) => r.node.address)).not.toContain(fresh);
    expect((await rep(stalled.node.address)).timedOut).toBe(1n);
    expect(await stakeOf(stalled.node.address)).toBe(STAKE);
    expect(await tasks().read("owed", oracle().address)).toBe(KEEPER_FEE);
    expect(await isBusy(stalled.node.address)).toBe(false);

    await nodeOf(chain, fresh).c.tasks.send("ack", taskId, stalled.slot);
    expect((await readTask(tasks(), taskId)).state).toBe("Precommit");
  });

  it("lets an oracle advance without the stalled miner, who is dropped", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, () => "same answer");
    await ackAll(taskId, runs.slice(0, 2));
    await expect(oracle().c.tasks.send("advance", taskId)).rejects.toThrow(/DeadlineNotPassed/);
    await increaseTime(chain.provider, W.start + 1);
    await oracle().c.tasks.send("advance", taskId);
    const t = await readTask(tasks(), taskId);
    expect(t.state).toBe("Precommit");
    expect(t.live).toBe(2);
    expect((await readSlots(tasks(), taskId, 3))[runs[2]!.slot]!.status).toBe("Dropped");
    // The dropped miner can no longer act on its slot.
    await expect(runs[2]!.node.c.tasks.send("precommit", taskId, runs[2]!.slot, MODEL)).rejects.toThrow(
      /BadSlotStatus/,
    );

    const live = runs.slice(0, 2);
    await precommitAll(taskId, live);
    await revealAll(taskId, live);
    const scores = [0, 0, 0];
    for (const r of live) scores[r.slot] = 9000;
    const bad = [...scores];
    bad[runs[2]!.slot] = 9000;
    await expect(oracle().c.tasks.send("submitPoi", taskId, bad)).rejects.toThrow(/BadScores/);
    await oracle().c.tasks.send("submitPoi", taskId, scores);
    expect((await readTask(tasks(), taskId)).outcome).toBe("Settled");
    expect(await tasks().read("owed", runs[2]!.node.address)).toBe(0n);
  });

  it("refunds the requester when nobody acks", async () => {
    const requester = chain.requesters[0]!;
    const payment = parseEther("10");
    const taskId = await requestUserTask(chain, requester, { k: 2, payment });
    await increaseTime(chain.provider, W.start + 1);
    await oracle().c.tasks.send("advance", taskId);
    const t = await readTask(tasks(), taskId);
    expect([t.state, t.outcome]).toEqual(["End", "Refunded"]);
    expect(await tasks().read("owed", requester.address)).toBe(payment - KEEPER_FEE);
  });
});

describe("Precommit and Commit deadlines", () => {
  it("drop the miners that missed them and still settle the rest", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, () => "answer");
    await ackAll(taskId, runs);
    await precommitAll(taskId, runs.slice(0, 2));
    // Reveals are not open until all precommits are in or the deadline passed.
    await expect(revealAll(taskId, runs.slice(0, 1))).rejects.toThrow(/WrongState/);
    await increaseTime(chain.provider, W.precommit + 1);
    await oracle().c.tasks.send("advance", taskId);
    expect((await readTask(tasks(), taskId)).state).toBe("Commit");
    await revealAll(taskId, runs.slice(0, 1));
    await increaseTime(chain.provider, W.commit + 1);
    await oracle().c.tasks.send("advance", taskId);
    const t = await readTask(tasks(), taskId);
    expect([t.state, t.revealsClosed, t.live]).toEqual(["Commit", true, 1]);
    // Both acked and then abandoned the work (one never precommitted, one never revealed): failed and slashed.
    expect((await rep(runs[1]!.node.address)).failed).toBe(1n);
    expect((await rep(runs[2]!.node.address)).failed).toBe(1n);
    expect(await stakeOf(runs[1]!.node.address)).toBe(STAKE - SLASH);
    expect(await stakeOf(runs[2]!.node.address)).toBe(STAKE - SLASH);
    const scores = [0, 0, 0];
    scores[runs[0]!.slot] = 10_000;
    await oracle().c.tasks.send("submitPoi", taskId, scores);
    expect((await readTask(tasks(), taskId)).outcome).toBe("Settled");
    expect((await rep(runs[0]!.node.address)).completed).toBe(1n);
  });

  it("refund when no PoI result is final before the PoI deadline", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    const runs = await assignedMiners(chain, taskId, () => "answer");
    await ackAll(taskId, runs);
    await precommitAll(taskId, runs);
    await revealAll(taskId, runs);
    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.poiWindowSeconds + 1);
    await expect(oracle().c.tasks.send("submitPoi", taskId, [9000])).rejects.toThrow(/DeadlinePassed/);
    await oracle().c.tasks.send("advance", taskId);
    expect((await readTask(tasks(), taskId)).outcome).toBe("Refunded");
    expect(await isBusy(runs[0]!.node.address)).toBe(false);
  });
});

describe("Request deadline", () => {
  it("refunds when no miner is found", async () => {
    const requester = chain.requesters[1]!;
    const payment = parseEther("3");
    const taskId = await requestUserTask(chain, requester, { k: 7, payment });
    expect((await readTask(tasks(), taskId)).state).toBe("Request");
    await expect(requester.c.tasks.send("assign", taskId)).rejects.toThrow(/NoMinersAvailable/);
    await expect(oracle().c.tasks.send("advance", taskId)).rejects.toThrow(/DeadlineNotPassed/);
    await increaseTime(chain.provider, W.request + 1);
    await oracle().c.tasks.send("advance", taskId);
    const t = await readTask(tasks(), taskId);
    expect([t.state, t.outcome]).toEqual(["End", "Refunded"]);
    expect(await tasks().read("owed", requester.address)).toBe(payment - KEEPER_FEE);
    await expect(oracle().c.tasks.send("advance", taskId)).rejects.toThrow(/WrongState/);
  });
});

describe("Create deadline (background task)", () => {
  it("replaces a creator that stalls", async () => {
    const taskId = await requestBackgroundTask(chain, oracle(), 3);
    const first = await tasks().read("creatorOf", taskId);
    await increaseTime(chain.provider, W.create + 1);
    await oracle().c.tasks.send("advance", taskId);
    const second = await tasks().read("creatorOf", taskId);
    expect(second).not.toBe(first);
    expect((await rep(first)).timedOut).toBe(1n);
    expect((await readTask(tasks(), taskId)).state).toBe("Create");
    await expect(nodeOf(chain, first).c.tasks.send("submitSeed", taskId, MODEL, "late")).rejects.toThrow(/NotAssigned/);
    await nodeOf(chain, second).c.tasks.send("submitSeed", taskId, MODEL, "seed");
    expect((await readTask(tasks(), taskId)).state).toBe("Prepare");
  });
});

describe("Unbonding", () => {
  it("holds the stake for the unbonding delay and stops new assignments", async () => {
    const m = chain.miners[0]!;
    await m.c.nodePool.send("requestUnbond");
    await expect(m.c.nodePool.send("withdrawStake")).rejects.toThrow(/StillBonded/);
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 5 });
    const assigned = (await readSlots(tasks(), taskId, 5)).map((s) => s.miner);
    expect(assigned).not.toContain(m.address);
    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.unbondingDelaySeconds + 1);
    const before = await chain.owner.c.token.read("balanceOf", m.address);
    await m.c.nodePool.send("withdrawStake");
    expect(await chain.owner.c.token.read("balanceOf", m.address)).toBe(before + STAKE);
  });
});

describe("Incentive pool epochs", () => {
  it("stop background requests when the epoch budget is spent and resume next epoch", async () => {
    const p = DEFAULT_DEPLOY_PARAMS;
    const perEpoch = Number(p.budgetPerEpoch / p.rewardPerBackgroundTask);
    // Start at the top of an epoch so the loop below cannot straddle two.
    const now = (await chain.provider.getBlock("latest"))!.timestamp;
    await increaseTime(chain.provider, p.epochLengthSeconds - (now % p.epochLengthSeconds) + 1);
    for (let i = 0; i < perEpoch; i++) await oracle().c.incentivePool.send("requestBackgroundTask", MODEL, 3);
    await expect(oracle().c.incentivePool.send("requestBackgroundTask", MODEL, 3)).rejects.toThrow(
      /EpochBudgetExhausted/,
    );
    await increaseTime(chain.provider, p.epochLengthSeconds);
    await oracle().c.incentivePool.send("requestBackgroundTask", MODEL, 3);
  });
});
