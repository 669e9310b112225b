import { hexlify, randomBytes } from "ethers";
import { describe, expect, it } from "vitest";
import { increaseTime } from "../../src-main/chain/provider.js";
import { poiResultHashOf, readTask } from "../../src-main/chain/task-views.js";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import {
  ackAll,
  commitmentFor,
  assignedMiners,
  precommitAll,
  requestUserTask,
  revealAll,
  type Chain,
  type MinerRun,
  freshChainPerTest,
} from "./fixture.js";

// Two oracles must agree before a PoI result is final, so disagreement can be exercised.
let chain: Chain;
// Every test starts from the freshly deployed chain and must conserve funds.
freshChainPerTest({ miners: 5, oracles: 3, requesters: 1, params: { oracleQuorum: 2 } }, (c) => (chain = c));

const tasks = () => chain.owner.c.tasks;
const owed = (a: string) => tasks().read("owed", a);
const bytes = (s: string) => new TextEncoder().encode(s);

async function toCommit(k: number, output = "The sun was warm."): Promise<{ taskId: bigint; runs: MinerRun[] }> {
  const taskId = await requestUserTask(chain, chain.requesters[0]!, { k });
  const runs = await assignedMiners(chain, taskId, () => output);
  await ackAll(taskId, runs);
  await precommitAll(taskId, runs);
  return { taskId, runs };
}

describe("reveal attacks", () => {
  it("rejects a reveal that does not match the precommit", async () => {
    const { taskId, runs } = await toCommit(2);
    const r = runs[0]!;
    await expect(r.node.c.tasks.send("reveal", taskId, r.slot, bytes("something else"), r.salt)).rejects.toThrow(
      /CommitmentMismatch/,
    );
    await expect(
      r.node.c.tasks.send("reveal", taskId, r.slot, bytes(r.output), hexlify(randomBytes(32))),
    ).rejects.toThrow(/CommitmentMismatch/);
  });

  it("rejects a reveal by an address not assigned to the slot", async () => {
    const { taskId, runs } = await toCommit(2);
    const outsider = chain.miners.find((m) => !runs.some((r) => r.node.address === m.address))!;
    const r = runs[0]!;
    await expect(outsider.c.tasks.send("reveal", taskId, r.slot, bytes(r.output), r.salt)).rejects.toThrow(
      /NotAssigned/,
    );
    // Another assigned miner cannot act on someone else's slot either.
    await expect(runs[1]!.node.c.tasks.send("reveal", taskId, r.slot, bytes(r.output), r.salt)).rejects.toThrow(
      /NotAssigned/,
    );
  });

  it("rejects a miner copying another's revealed output without its own precommit", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, () => "honest work");
    await ackAll(taskId, runs);
    const [honest, copier, lazy] = runs as [MinerRun, MinerRun, MinerRun];
    await precommitAll(taskId, [honest]);
    // The copier re-submits the honest miner's commitment: it binds the honest address, so it fails later.
    const stolen = commitmentFor(taskId, honest);
    await copier.node.c.tasks.send("precommit", taskId, copier.slot, stolen);
    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.windows.precommit + 1);
    await chain.oracles[0]!.c.tasks.send("advance", taskId);
    await revealAll(taskId, [honest]);
    await expect(
      copier.node.c.tasks.send("reveal", taskId, copier.slot, bytes(honest.output), honest.salt),
    ).rejects.toThrow(/CommitmentMismatch/);
    // The lazy miner never precommitted: its slot is dropped and reveals are refused.
    await expect(
      lazy.node.c.tasks.send("reveal", taskId, lazy.slot, bytes(honest.output), honest.salt),
    ).rejects.toThrow(/BadSlotStatus/);
  });

  it("rejects a second reveal of the same slot", async () => {
    const { taskId, runs } = await toCommit(2);
    await revealAll(taskId, runs.slice(0, 1));
    await expect(revealAll(taskId, runs.slice(0, 1))).rejects.toThrow(/BadSlotStatus/);
  });
});

describe("payout attacks", () => {
  it("pays a withdrawal once", async () => {
    const { taskId, runs } = await toCommit(1);
    await revealAll(taskId, runs);
    await chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9000]);
    await chain.oracles[1]!.c.tasks.send("submitPoi", taskId, [9000]);
    const miner = runs[0]!.node;
    const due = await owed(miner.address);
    expect(due).toBeGreaterThan(0n);
    const before = await chain.owner.c.token.read("balanceOf", miner.address);
    await miner.c.tasks.send("withdraw");
    await expect(miner.c.tasks.send("withdraw")).rejects.toThrow(/NothingToWithdraw/);
    expect(await chain.owner.c.token.read("balanceOf", miner.address)).toBe(before + due);
    // A settled task cannot be settled again.
    await expect(chain.oracles[2]!.c.tasks.send("submitPoi", taskId, [9000])).rejects.toThrow(/WrongState/);
  });

  it("settles only on the result a quorum agrees on, and pays only the agreeing oracles", async () => {
    const { taskId, runs } = await toCommit(3);
    await revealAll(taskId, runs);
    const [a, b, c] = chain.oracles as [Chain["oracles"][0], Chain["oracles"][0], Chain["oracles"][0]];
    const honest = [9500, 9400, 3000];
    await a.c.tasks.send("submitPoi", taskId, honest);
    await b.c.tasks.send("submitPoi", taskId, [9500, 9400, 9300]);
    expect((await readTask(tasks(), taskId)).state).toBe("Commit");
    await expect(a.c.tasks.send("submitPoi", taskId, honest)).rejects.toThrow(/AlreadyVoted/);
    await c.c.tasks.send("submitPoi", taskId, honest);
    expect((await readTask(tasks(), taskId)).outcome).toBe("Settled");
    const voters = await tasks().read("poiVotes", taskId, poiResultHashOf(taskId, honest));
    expect([...voters]).toEqual([a.address, c.address]);
    expect(await owed(a.address)).toBeGreaterThan(0n);
    expect(await owed(c.address)).toBe(await owed(a.address));
    expect(await owed(b.address)).toBe(0n);
    // The outlier (below the similarity threshold) gets nothing and loses reputation.
    const outlier = runs.find((r) => r.slot === 2)!;
    expect(await owed(outlier.node.address)).toBe(0n);
    const rep = await chain.owner.c.nodePool.read("reputation", outlier.node.address);
    expect(rep.outliers).toBe(1n);
  });

  it("refuses PoI results from non-oracles and scores for slots that did not reveal", async () => {
    const { taskId, runs } = await toCommit(2);
    await revealAll(taskId, runs.slice(0, 1));
    await expect(chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9000, 0])).rejects.toThrow(/WrongState/);
    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.windows.commit + 1);
    await chain.oracles[0]!.c.tasks.send("advance", taskId);
    await expect(runs[0]!.node.c.tasks.send("submitPoi", taskId, [9000, 0])).rejects.toThrow(/NotOracle/);
    await expect(chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9000, 9000])).rejects.toThrow(/BadScores/);
    await expect(chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [10_001, 0])).rejects.toThrow(/BadScores/);
  });
});
