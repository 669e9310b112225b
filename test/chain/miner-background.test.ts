import path from "node:path";
import { parseEther } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { increaseTime } from "../../src-main/chain/provider.js";
import { modelIdOf, readSlots, readTask } from "../../src-main/chain/task-views.js";
import { TaskInputs } from "../../src-main/miner/task-inputs.js";
import { CREATOR_SLOT } from "../../src-main/miner/records-store.js";
import {
  estimateRegisterMiner,
  estimateRequestUnbond,
  estimateWithdrawRewards,
  registerMiner,
  requestUnbond,
  withdrawStake,
} from "../../src-main/miner/registration.js";
import { PouwError } from "../../src-shared/errors.js";
import { MODEL, requestBackgroundTask, requestUserTask, type Chain } from "./fixture.js";
import { startRig, useMinerChain, waitFor } from "./miner-harness.js";

// Network-paid tasks take at least three miners.
const env = useMinerChain({ miners: 3, oracles: 1, requesters: 2, rigPerMiner: true });
let chain: Chain;
beforeAll(() => {
  chain = env.chain;
});

const rigOf = (address: string) => env.rigOf(address);

describe("background task", () => {
  it("the engine chosen as creator submits seed and prompt; the assigned engine answers; both are paid", async () => {
    const tasks = chain.owner.c.tasks;
    const taskId = await requestBackgroundTask(chain, chain.oracles[0]!, 3);
    const creator = rigOf(await tasks.read("creatorOf", taskId));
    await waitFor("reveals", async () => (await readTask(tasks, taskId)).revealsClosed, 30_000);
    const inputs = new TaskInputs(chain.provider, tasks.address, chain.deployment.deployedAtBlock);
    const [seed] = await inputs.all("SeedCreated", taskId);
    const [prepared] = await inputs.all("PromptPrepared", taskId);
    expect(seed?.miner).toBe(creator.node.address);
    expect(seed?.seed).toMatch(/\w/);
    expect(prepared?.prompt).toContain(seed!.seed);
    const [slot] = await readSlots(tasks, taskId, 3);
    // The three engines answer alike: a consistent settlement, so the creator is paid too.
    await chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9_000, 9_000, 9_000]);
    const answerer = rigOf(slot!.miner);
    await waitFor("the answer's record", () => answerer.records.get(taskId.toString(), 0)?.outcome !== undefined);
    const answered = answerer.records.get(taskId.toString(), 0)!;
    expect(answered.kind).toBe("background");
    expect(answered.outcome).toBe("Completed");
    expect(BigInt(answered.reward)).toBeGreaterThan(0n);
    await waitFor(
      "the creator's record",
      () => creator.records.get(taskId.toString(), CREATOR_SLOT)?.outcome !== undefined,
    );
    const created = creator.records.get(taskId.toString(), CREATOR_SLOT)!;
    expect(created.states.map((s) => s.state)).toEqual(["Create", "Prepare", "End"]);
    expect(created.outcome).toBe("Completed");
    expect(BigInt(created.reward)).toBeGreaterThan(0n);
    expect(BigInt(created.gasSpent)).toBeGreaterThan(0n);
    expect(creator.inference.calls).toBeGreaterThan(0);
    for (const r of env.rigs) expect(r.errors).toEqual([]);
  });
});

describe("registration", () => {
  it("estimates, approves and registers a miner, then unbonds and withdraws the stake", async () => {
    const who = chain.requesters[1]!;
    const account = { signer: who.wallet, contracts: who.c };
    const reg = { stake: parseEther("100"), speed: 1500, models: [modelIdOf("stories260K")] };
    const fee = await estimateRegisterMiner(account, reg);
    expect(fee.gas).toBeGreaterThan(21_000n);
    expect(fee.feeWei).toBeGreaterThan(0n);
    const tokensBefore = await who.c.token.read("balanceOf", who.address);
    const receipts = await registerMiner(account, reg);
    expect(receipts).toHaveLength(2); // approve, then register
    const node = await who.c.nodePool.read("getNode", who.address);
    expect(node.stake).toBe(reg.stake);
    expect(node.active).toBe(true);
    expect(await who.c.token.read("balanceOf", who.address)).toBe(tokensBefore - reg.stake);
    expect((await estimateRequestUnbond(account)).gas).toBeGreaterThan(21_000n);
    await requestUnbond(account);
    await expect(withdrawStake(account)).rejects.toThrow(/StillBonded/);
    await increaseTime(chain.provider, 7 * 24 * 3600 + 1);
    await withdrawStake(account);
    expect(await who.c.token.read("balanceOf", who.address)).toBe(tokensBefore);
    await expect(estimateWithdrawRewards(account)).rejects.toThrow(/NothingToWithdraw/);
  });

  it("refuses with INSUFFICIENT_FUNDS when the wallet lacks the stake", async () => {
    const who = chain.requesters[0]!;
    const account = { signer: who.wallet, contracts: who.c };
    const err = await registerMiner(account, { stake: parseEther("1000000"), speed: 1, models: [MODEL] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PouwError);
    expect((err as PouwError).code).toBe("INSUFFICIENT_FUNDS");
  });
});

describe("reassignment", () => {
  it("a slot the oracle moves to this miner after another miner stalled is answered", async () => {
    const tasks = chain.owner.c.tasks;
    // Both engines go quiet, so whoever is picked stalls.
    for (const r of env.rigs) await r.sync.stop();
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    const [stalled] = await readSlots(tasks, taskId, 1);
    const [other, third] = chain.miners.filter((m) => m.address !== stalled!.miner) as [
      Chain["miners"][0],
      Chain["miners"][0],
    ];
    // The third miner leaves, so the draw can only pick `other`.
    await third.c.nodePool.send("requestUnbond");
    const rig = await startRig(chain, other, path.join(env.dir, "reassigned"));
    env.rigs.push(rig);
    await increaseTime(chain.provider, 61);
    await chain.oracles[0]!.c.tasks.send("reassign", taskId, 0);
    await waitFor("the reveal", async () => (await readTask(tasks, taskId)).revealsClosed);
    const [slot] = await readSlots(tasks, taskId, 1);
    expect(slot!.miner).toBe(other.address);
    expect(slot!.status).toBe("Revealed");
    // The record follows the reveal's receipt: wait for it rather than race it.
    await waitFor("the reveal's record", () => rig.records.get(taskId.toString(), 0)?.states.length === 3);
    expect(rig.records.get(taskId.toString(), 0)?.states.map((s) => s.state)).toEqual(["Start", "Precommit", "Commit"]);
    expect(rig.errors).toEqual([]);
  });
});
