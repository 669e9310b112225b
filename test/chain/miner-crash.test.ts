import path from "node:path";
import { parseEther } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { increaseTime } from "../../src-main/chain/provider.js";
import { commitmentOf, outputHashOf, readSlot, readTask } from "../../src-main/chain/task-views.js";
import type { Journal, JournalInput } from "../../src-main/tx/journal.js";
import { addStake, estimateAddStake } from "../../src-main/miner/registration.js";
import { FakeInference } from "../helpers/fake-inference.js";
import { requestUserTask, type Chain } from "./fixture.js";
import { startRig, stopRig, useMinerChain, waitFor } from "./miner-harness.js";

// One miner: every task goes to it.
const env = useMinerChain({ miners: 1, oracles: 1, requesters: 1, rigPerMiner: false });
let chain: Chain;
let dir: string;
beforeAll(() => {
  ({ chain, dir } = env);
});

/**
 * Simulates kill -9 right after the precommit was journaled and broadcast: from then on nothing
 * this process appends reaches the journal (appends hang, as if the process were gone).
 */
function dieAfterPrecommitIntent(journal: Journal): void {
  const append = journal.append.bind(journal);
  let dead = false;
  journal.append = async (input: JournalInput) => {
    if (dead) return new Promise<never>(() => undefined);
    const record = await append(input);
    if (input.kind === "intent" && input.action === "precommit") dead = true;
    return record;
  };
}

describe("crash safety", () => {
  it("a miner killed after its precommit is mined reveals exactly what it committed after restart, once", async () => {
    const miner = chain.miners[0]!;
    const tasks = chain.owner.c.tasks;
    const rigDir = path.join(dir, "crash");
    const nonceBefore = await chain.provider.getTransactionCount(miner.address, "latest");
    const first = await startRig(chain, miner, rigDir);
    env.rigs.push(first);
    dieAfterPrecommitIntent(first.journal);
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    await waitFor("the precommit on chain", async () => (await readSlot(tasks, taskId, 0)).status === "Precommitted");
    // The process is gone: no more events reach it. Nothing is closed or flushed.
    await first.sync.stop();
    expect((await readSlot(tasks, taskId, 0)).status).toBe("Precommitted");
    const journaled = first.journal.all().find((r) => r.action === "output" && r.taskId === taskId.toString())!;
    expect(journaled).toBeDefined();
    // The crash came between broadcast and the journal's "confirmed": the hardest moment.
    expect(first.journal.all().some((r) => r.action === "precommit" && r.kind === "confirmed")).toBe(false);

    const inference = new FakeInference();
    const second = await startRig(chain, miner, rigDir, { inference });
    env.rigs.push(second);
    await waitFor("the reveal", async () => (await readTask(tasks, taskId)).revealsClosed);
    // The chain checked the reveal against the commitment; the journal held the only salt.
    const slot = await readSlot(tasks, taskId, 0);
    expect(slot.status).toBe("Revealed");
    const scope = { tasks: tasks.address, taskId, slot: 0, miner: miner.address };
    expect(slot.commitment).toBe(
      commitmentOf(scope, outputHashOf(String(journaled.data.output)), String(journaled.data.salt)),
    );
    expect(inference.calls).toBe(0);
    // ack, precommit, reveal: nothing sent twice across the crash.
    expect((await chain.provider.getTransactionCount(miner.address, "latest")) - nonceBefore).toBe(3);
    const confirmedPrecommits = second.journal
      .all()
      .filter((r) => r.taskId === taskId.toString() && r.action === "precommit" && r.kind === "confirmed");
    expect(confirmedPrecommits).toHaveLength(1);

    await chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9_000]);
    await waitFor(
      "the reward in the record",
      () => BigInt(second.records.get(taskId.toString(), 0)?.reward ?? "0") > 0n,
    );
    const record = second.records.get(taskId.toString(), 0)!;
    expect(record.outcome).toBe("Completed");
    expect(record.states.map((s) => s.state)).toEqual(["Start", "Precommit", "Commit", "End"]);
    expect(BigInt(record.reward)).toBe(await chain.owner.c.tasks.read("owed", miner.address));
    expect(second.errors).toEqual([]);
    await stopRig(second);
  });
});

describe("admission", () => {
  it("an assignment the benchmark says cannot finish before the precommit deadline is declined (free), not acked", async () => {
    const miner = chain.miners[0]!;
    const tasks = chain.owner.c.tasks;
    const slow = await startRig(chain, miner, path.join(dir, "slow"), {
      speedProfile: { tokensPerSecond: 0.05, ttftMs: 500 },
    });
    env.rigs.push(slow);
    const nonce = await chain.provider.getTransactionCount(miner.address, "latest");
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    await waitFor("the decision", () =>
      slow.journal.all().some((r) => r.taskId === taskId.toString() && r.kind === "abandoned" && r.action === "ack"),
    );
    await slow.engine.idle();
    // Later events and pokes do not change its mind.
    await increaseTime(chain.provider, 5);
    slow.engine.poke();
    await slow.engine.idle();
    // One transaction, the decline: the slot is dropped at no cost and the miner is idle again.
    await waitFor("the decline", async () => (await readSlot(tasks, taskId, 0)).status === "Dropped");
    expect(await chain.provider.getTransactionCount(miner.address, "latest")).toBe(nonce + 1);
    const node = await chain.owner.c.nodePool.read("getNode", miner.address);
    expect([node.busy, node.timedOut]).toEqual([false, 0n]);
    expect(slow.inference.calls).toBe(0);
    await stopRig(slow);
  });

  it("the same machine with a fast benchmark acks", async () => {
    const miner = chain.miners[0]!;
    // Declining freed the miner at once; top its stake up anyway, as the app's Stake button does.
    const account = { signer: miner.wallet, contracts: miner.c };
    const fee = await estimateAddStake(account, parseEther("5"));
    expect(fee.gas).toBeGreaterThan(21_000n);
    expect(fee.feeWei).toBeGreaterThan(0n);
    const stakeBefore = (await miner.c.nodePool.read("getNode", miner.address)).stake;
    await addStake(account, parseEther("5"));
    expect((await miner.c.nodePool.read("getNode", miner.address)).stake).toBe(stakeBefore + parseEther("5"));
    const fast = await startRig(chain, miner, path.join(dir, "fast"), {
      speedProfile: { tokensPerSecond: 1_000, ttftMs: 50 },
    });
    env.rigs.push(fast);
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    await waitFor("the reveal", async () => (await readTask(chain.owner.c.tasks, taskId)).revealsClosed);
    expect((await readSlot(chain.owner.c.tasks, taskId, 0)).status).toBe("Revealed");
    expect(fast.errors).toEqual([]);
    await chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [9_000]);
    await stopRig(fast);
  });
});

describe("deadlines", () => {
  it("an answer ready only after the precommit deadline is let go: no transaction that would revert is sent", async () => {
    const miner = chain.miners[0]!;
    const tasks = chain.owner.c.tasks;
    const late = await startRig(chain, miner, path.join(dir, "late"), {
      inference: new FakeInference({ delayMs: 1_500 }),
    });
    env.rigs.push(late);
    const nonce = await chain.provider.getTransactionCount(miner.address, "latest");
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 1 });
    await waitFor("the ack", async () => (await readSlot(tasks, taskId, 0)).status === "Acked");
    // While the model is still answering, the precommit window (300 s) runs out.
    await increaseTime(chain.provider, 301);
    await waitFor("the decision", () =>
      late.journal
        .all()
        .some((r) => r.taskId === taskId.toString() && r.action === "precommit" && r.kind === "abandoned"),
    );
    await late.engine.idle();
    expect(late.inference.calls).toBe(1);
    expect((await readSlot(tasks, taskId, 0)).status).toBe("Acked");
    expect(await chain.provider.getTransactionCount(miner.address, "latest")).toBe(nonce + 1);
    expect(late.errors).toEqual([]);
    // The oracle drops the stalled slot; the engine records how it ended.
    await chain.oracles[0]!.c.tasks.send("advance", taskId);
    await waitFor("the record's end", () => late.records.get(taskId.toString(), 0)?.outcome !== undefined);
    // It had acked: abandoning acked work counts as Failed (and is slashed).
    expect(late.records.get(taskId.toString(), 0)!.outcome).toBe("Failed");
    await stopRig(late);
  });
});
