import { parseEther } from "ethers";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import { increaseTime } from "../../src-main/chain/provider.js";
import { outputHashOf, readSlots, readTask } from "../../src-main/chain/task-views.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import {
  ackAll,
  assignedMiners,
  commitmentFor,
  freshChainPerTest,
  MODEL,
  precommitAll,
  requestUserTask,
  revealAll,
  STAKE,
  type Chain,
  type MinerRun,
} from "./fixture.js";

// The attacks of issue 13 that need no oracle committee: each is refused, or costs the attacker.
let chain: Chain;
freshChainPerTest({ miners: 5, oracles: 1, requesters: 2 }, (c) => (chain = c));

const P = DEFAULT_DEPLOY_PARAMS;
const tasks = () => chain.owner.c.tasks;
const owed = (a: string) => tasks().read("owed", a);
const nodeInfo = (a: string) => chain.owner.c.nodePool.read("getNode", a);
const bytes = (s: string) => new TextEncoder().encode(s);

describe("a near-free task cannot lock a model's miners", () => {
  it("refuses a 1-wei task and any payment below k × minSlotPrice; idle miners stay idle", async () => {
    const requester = chain.requesters[0]!;
    await expect(requestUserTask(chain, requester, { k: 5, payment: 1n })).rejects.toThrow(/PaymentTooLow/);
    await expect(requestUserTask(chain, requester, { k: 5, payment: 5n * P.minSlotPrice - 1n })).rejects.toThrow(
      /PaymentTooLow/,
    );
    for (const m of chain.miners) expect((await nodeInfo(m.address)).busy).toBe(false);
    const taskId = await requestUserTask(chain, requester, { k: 5, payment: 5n * P.minSlotPrice });
    expect((await readTask(tasks(), taskId)).state).toBe("Start");
  });

  it("lets a miner decline before acking at no cost, and the task goes on with the others", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, () => "The kite flew high.");
    const [decliner, ...rest] = runs as [MinerRun, ...MinerRun[]];
    const repBefore = await chain.owner.c.nodePool.read("reputation", decliner.node.address);
    await decliner.node.c.tasks.send("decline", taskId, decliner.slot);
    const after = await nodeInfo(decliner.node.address);
    expect([after.busy, after.stake]).toEqual([false, STAKE]);
    expect(await chain.owner.c.nodePool.read("reputation", decliner.node.address)).toEqual(repBefore);
    // Declining twice, or after acking, is refused.
    await expect(decliner.node.c.tasks.send("decline", taskId, decliner.slot)).rejects.toThrow(/BadSlotStatus/);
    await ackAll(taskId, rest.slice(0, 1));
    await expect(rest[0]!.node.c.tasks.send("decline", taskId, rest[0]!.slot)).rejects.toThrow(/BadSlotStatus/);
    await ackAll(taskId, rest.slice(1));
    expect((await readTask(tasks(), taskId)).state).toBe("Precommit");
  });

  it("a declined-by-all task refunds the requester in full", async () => {
    const requester = chain.requesters[1]!;
    const payment = parseEther("2");
    const taskId = await requestUserTask(chain, requester, { k: 2, payment });
    for (const r of await assignedMiners(chain, taskId, () => "")) await r.node.c.tasks.send("decline", taskId, r.slot);
    const t = await readTask(tasks(), taskId);
    expect([t.state, t.outcome]).toEqual(["End", "Refunded"]);
    expect(await owed(requester.address)).toBe(payment);
  });

  it("slashes only abandoned acked work: never acking costs reputation, acking then vanishing costs stake", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, () => "same");
    const [neverAcked, abandons, honest] = runs as [MinerRun, MinerRun, MinerRun];
    await ackAll(taskId, [abandons, honest]);
    await increaseTime(chain.provider, P.windows.start + 1);
    await chain.oracles[0]!.c.tasks.send("advance", taskId);
    await precommitAll(taskId, [honest]);
    await increaseTime(chain.provider, P.windows.precommit + 1);
    await chain.oracles[0]!.c.tasks.send("advance", taskId);
    expect((await nodeInfo(neverAcked.node.address)).stake).toBe(STAKE);
    expect((await chain.owner.c.nodePool.read("reputation", neverAcked.node.address)).timedOut).toBe(1n);
    expect((await nodeInfo(abandons.node.address)).stake).toBe(STAKE - P.slashAmount);
    expect((await chain.owner.c.nodePool.read("reputation", abandons.node.address)).failed).toBe(1n);
  });
});

describe("liveness without oracles", () => {
  it("lets anyone advance after the keeper grace period and pays them the keeper fee", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 2 });
    const runs = await assignedMiners(chain, taskId, () => "answer");
    await ackAll(taskId, runs);
    await precommitAll(taskId, runs.slice(0, 1));
    const keeper = chain.requesters[1]!;
    await expect(keeper.c.tasks.send("advance", taskId)).rejects.toThrow(/DeadlineNotPassed/);
    await increaseTime(chain.provider, P.windows.precommit + 1);
    await expect(keeper.c.tasks.send("advance", taskId)).rejects.toThrow(/KeeperTooEarly/);
    await increaseTime(chain.provider, P.keeperGraceSeconds);
    await keeper.c.tasks.send("advance", taskId);
    expect(await owed(keeper.address)).toBe(P.keeperFee);
    // No oracle ever: the task still ends, and no miner's stake stays locked.
    await revealAll(taskId, runs.slice(0, 1));
    await increaseTime(chain.provider, P.poiWindowSeconds + P.keeperGraceSeconds + 1);
    await keeper.c.tasks.send("advance", taskId);
    expect((await readTask(tasks(), taskId)).state).toBe("End");
    expect(await owed(keeper.address)).toBe(2n * P.keeperFee);
    for (const r of runs) expect((await nodeInfo(r.node.address)).busy).toBe(false);
  });
});

describe("commitments are bound to task, slot and miner", () => {
  it("refuses replaying an output and salt revealed in an earlier task", async () => {
    const prompt = "Tell a story about a red ball.";
    const first = await requestUserTask(chain, chain.requesters[0]!, { k: 1, prompt });
    const [earlier] = await assignedMiners(chain, first, () => "Ann kicked the red ball over the fence.");
    await ackAll(first, [earlier!]);
    await precommitAll(first, [earlier!]);
    await revealAll(first, [earlier!]);
    // The same prompt again: whoever is drawn reuses the public output, salt and commitment.
    const second = await requestUserTask(chain, chain.requesters[0]!, { k: 1, prompt });
    const [replayer] = await assignedMiners(chain, second, () => earlier!.output);
    await ackAll(second, [replayer!]);
    const oldCommitment = (await readSlots(tasks(), first, 1))[0]!.commitment;
    await replayer!.node.c.tasks.send("precommit", second, replayer!.slot, oldCommitment);
    await expect(
      replayer!.node.c.tasks.send("reveal", second, replayer!.slot, bytes(earlier!.output), earlier!.salt),
    ).rejects.toThrow(/CommitmentMismatch/);
    // Unbound (v1) commitments no longer open either.
    expect(commitmentFor(second, { ...replayer!, output: earlier!.output, salt: earlier!.salt })).not.toBe(
      oldCommitment,
    );
  });
});

describe("bounded reveals", () => {
  it("refuses an inline reveal or a hash-reveal URI longer than maxRevealBytes", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    const huge = "word ".repeat(Math.ceil((P.maxRevealBytes + 1) / 5));
    const [r] = await assignedMiners(chain, taskId, () => huge);
    await ackAll(taskId, [r!]);
    await precommitAll(taskId, [r!]);
    await expect(revealAll(taskId, [r!])).rejects.toThrow(/RevealTooLarge/);
    const uri = `https://example.invalid/${"x".repeat(P.maxRevealBytes)}`;
    await expect(r!.node.c.tasks.send("revealHash", taskId, r!.slot, outputHashOf(huge), r!.salt, uri)).rejects.toThrow(
      /RevealTooLarge/,
    );
    expect((await readSlots(tasks(), taskId, 1))[0]!.status).toBe("Precommitted");
  });
});

describe("reputation weight", () => {
  it("grows with settled work and falls with a timeout; a fresh identity starts on probation (1/5)", async () => {
    const pool = chain.owner.c.nodePool;
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    const runs = await assignedMiners(chain, taskId, () => "A settled answer.");
    await ackAll(taskId, runs);
    await precommitAll(taskId, runs);
    await revealAll(taskId, runs);
    await chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9_000]);
    const worker = runs[0]!.node.address;
    expect(await pool.read("weightOf", worker)).toBe((STAKE * 3n) / 10n);
    const idle = chain.miners.find((m) => m.address !== worker)!;
    expect(await pool.read("weightOf", idle.address)).toBe(STAKE / 5n);
    const stalled = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    const [late] = await assignedMiners(chain, stalled, () => "");
    await increaseTime(chain.provider, P.windows.start + 1);
    await chain.oracles[0]!.c.tasks.send("advance", stalled);
    const rep = await pool.read("reputation", late!.node.address);
    const expected = (STAKE * (2n + rep.completed)) / (10n + 2n * rep.timedOut);
    expect(await pool.read("weightOf", late!.node.address)).toBe(expected);
    expect(expected).toBeLessThan((STAKE * (2n + rep.completed)) / 10n);
  });
});

describe("selection lists", () => {
  it("drop a miner that withdrew its stake; re-registering lists it again, its record kept", async () => {
    const m = chain.miners[0]!;
    const pool = chain.owner.c.nodePool;
    const listed = async () => [...(await pool.read("modelMiners", MODEL))];
    // A record to keep: one assignment never acked.
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 5 });
    await increaseTime(chain.provider, P.windows.start + 1);
    await chain.oracles[0]!.c.tasks.send("advance", taskId);
    expect((await pool.read("reputation", m.address)).timedOut).toBe(1n);
    await m.c.nodePool.send("requestUnbond");
    await increaseTime(chain.provider, P.unbondingDelaySeconds + 1);
    await m.c.nodePool.send("withdrawStake");
    expect(await listed()).not.toContain(m.address);
    expect(await listed()).toHaveLength(chain.miners.length - 1);
    expect(await pool.read("serves", m.address, MODEL)).toBe(false);
    await m.c.token.send("approve", chain.deployment.contracts.nodePool, STAKE);
    await m.c.nodePool.send("register", nodeRoleIndex("Miner"), STAKE, 1000, [MODEL]);
    expect(await listed()).toHaveLength(chain.miners.length);
    expect((await pool.read("reputation", m.address)).timedOut).toBe(1n);
  });

  it("let anyone prune a miner that can no longer be drawn; withdrawing later still works", async () => {
    const [leaving, staying] = chain.miners as [Chain["miners"][0], Chain["miners"][0]];
    const pool = chain.owner.c.nodePool;
    const stranger = chain.requesters[1]!;
    await expect(stranger.c.nodePool.send("prune", staying.address)).rejects.toThrow(/StillActive/);
    await leaving.c.nodePool.send("requestUnbond");
    await stranger.c.nodePool.send("prune", leaving.address);
    const listed = [...(await pool.read("modelMiners", MODEL))];
    expect(listed).not.toContain(leaving.address);
    expect(listed).toHaveLength(chain.miners.length - 1);
    await increaseTime(chain.provider, P.unbondingDelaySeconds + 1);
    const before = await chain.owner.c.token.read("balanceOf", leaving.address);
    await leaving.c.nodePool.send("withdrawStake");
    expect(await chain.owner.c.token.read("balanceOf", leaving.address)).toBe(before + STAKE);
    expect([...(await pool.read("modelMiners", MODEL))]).toHaveLength(chain.miners.length - 1);
  });
});
