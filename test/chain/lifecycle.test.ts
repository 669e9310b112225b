import { parseEther } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import { taskStateName } from "../../src-shared/pouw-states.js";
import {
  ackAll,
  assignedMiners,
  MODEL,
  precommitAll,
  requestBackgroundTask,
  requestUserTask,
  revealAll,
  tasksBalanceMatches,
  totalHeld,
  type Chain,
  type MinerRun,
  startChain,
} from "./fixture.js";

let chain: Chain;
let supply: bigint;

beforeAll(async () => {
  chain = await startChain({ miners: 7, oracles: 2 });
  supply = await chain.owner.c.token.read("totalSupply");
});
afterAll(async () => {
  await chain?.stop();
});

async function stateOf(taskId: bigint) {
  return (await readTask(chain.owner.c.tasks, taskId)).state;
}

/** Start → Precommit → Commit → PoI → End for the assigned miners, checking each transition. */
async function answerAndSettle(taskId: bigint, runs: MinerRun[]): Promise<void> {
  expect(await stateOf(taskId)).toBe("Start");
  await ackAll(taskId, runs);
  expect(await stateOf(taskId)).toBe("Precommit");
  await precommitAll(taskId, runs);
  expect(await stateOf(taskId)).toBe("Commit");
  await revealAll(taskId, runs);
  const t = await readTask(chain.owner.c.tasks, taskId);
  expect(t.revealsClosed).toBe(true);
  const oracle = chain.oracles[0]!;
  await oracle.c.tasks.send(
    "submitPoi",
    taskId,
    runs.map(() => 9500),
  );
  const ended = await readTask(chain.owner.c.tasks, taskId);
  expect(ended.state).toBe("End");
  expect(ended.outcome).toBe("Settled");
  expect(ended.escrow).toBe(0n);
}

async function owedTo(address: string): Promise<bigint> {
  return chain.owner.c.tasks.read("owed", address);
}

describe.each([1, 3, 5])("user task with k = %i", (k) => {
  it("runs Request → Start → Precommit → Commit → End and pays the miners by speed rank", async () => {
    const requester = chain.requesters[0]!;
    const before = new Map<string, bigint>();
    for (const m of chain.miners) before.set(m.address, await owedTo(m.address));
    const refundBefore = await owedTo(requester.address);

    const taskId = await requestUserTask(chain, requester, { k });
    const runs = await assignedMiners(chain, taskId, () => "Lily saw a big red ball in the park.");
    expect(runs).toHaveLength(k);
    expect(new Set(runs.map((r) => r.node.address)).size).toBe(k);
    await answerAndSettle(taskId, runs);

    const gains = await Promise.all(
      runs.map(async (r) => (await owedTo(r.node.address)) - (before.get(r.node.address) ?? 0n)),
    );
    for (const g of gains) expect(g).toBeGreaterThan(0n);
    // Precommit order is the speed rank: with equal similarity, earlier means strictly more.
    for (let i = 1; i < gains.length; i++) expect(gains[i - 1]!).toBeGreaterThan(gains[i]!);
    expect(await owedTo(requester.address)).toBeGreaterThan(refundBefore);
    const slots = await readSlots(chain.owner.c.tasks, taskId, k);
    expect(slots.every((s) => s.status === "Revealed")).toBe(true);
    for (const r of runs) {
      const node = await chain.owner.c.nodePool.read("getNode", r.node.address);
      expect(node.busy).toBe(false);
    }
    expect(await tasksBalanceMatches(chain)).toBe(true);
    expect(await totalHeld(chain)).toBe(supply);
  });
});

describe.each([3, 5])("background task with k = %i", (k) => {
  it("is requested by the incentive pool, created and prepared by one miner, answered by k", async () => {
    const oracle = chain.oracles[1]!;
    const poolAddr = chain.deployment.contracts.incentivePool;
    const poolBefore = await chain.owner.c.token.read("balanceOf", poolAddr);
    const taskId = await requestBackgroundTask(chain, oracle, k);
    const t = await readTask(chain.owner.c.tasks, taskId);
    expect(t.background).toBe(true);
    expect(t.state).toBe("Create");
    const creatorAddr = await chain.owner.c.tasks.read("creatorOf", taskId);
    const creator = chain.miners.find((m) => m.address === creatorAddr)!;
    expect(creator).toBeDefined();
    // Only the chosen creator may create.
    const other = chain.miners.find((m) => m.address !== creatorAddr)!;
    await expect(other.c.tasks.send("submitSeed", taskId, MODEL, "x")).rejects.toThrow(/NotAssigned/);
    await creator.c.tasks.send("submitSeed", taskId, MODEL, "A cat who loves rain.");
    expect(await stateOf(taskId)).toBe("Prepare");
    await creator.c.tasks.send("submitPrompt", taskId, MODEL, "Write a story about a cat who loves rain.");
    const runs = await assignedMiners(chain, taskId, (slot) => `The cat danced in the rain, part ${slot}.`);
    expect(runs).toHaveLength(k);
    await answerAndSettle(taskId, runs);
    expect(await owedTo(creatorAddr)).toBeGreaterThan(0n);

    await chain.owner.c.incentivePool.send("reclaim");
    const poolAfter = await chain.owner.c.token.read("balanceOf", poolAddr);
    const paid = poolBefore - poolAfter;
    // The pool paid only what creator, miners and oracle earned; the rest came back.
    expect(paid).toBeGreaterThan(0n);
    expect(paid).toBeLessThan(await chain.owner.c.incentivePool.read("rewardPerTask"));
    expect(await totalHeld(chain)).toBe(supply);
  });
});

describe("reward formula", () => {
  it("pays exactly the worked example of docs/protocol.md", async () => {
    const requester = chain.requesters[0]!;
    const taskId = await requestUserTask(chain, requester, { k: 3, priority: 2, payment: parseEther("10") });
    const runs = await assignedMiners(chain, taskId, () => "Ben and Mia built a sandcastle.");
    const bySlot = (i: number) => runs.find((r) => r.slot === i)!;
    await ackAll(taskId, runs);
    await precommitAll(taskId, [bySlot(1), bySlot(0), bySlot(2)]);
    await revealAll(taskId, runs);
    const oracle = chain.oracles[0]!;
    const before = new Map<string, bigint>();
    for (const a of [...runs.map((r) => r.node.address), requester.address, oracle.address])
      before.set(a, await owedTo(a));
    await oracle.c.tasks.send("submitPoi", taskId, [9500, 9000, 6000]);
    const gain = async (a: string) => (await owedTo(a)) - before.get(a)!;
    expect(await gain(oracle.address)).toBe(parseEther("0.5"));
    expect(await gain(bySlot(1).node.address)).toBe(4_241860465116279069n);
    expect(await gain(bySlot(0).node.address)).toBe(3_358139534883720930n);
    expect(await gain(bySlot(2).node.address)).toBe(0n);
    expect(await gain(requester.address)).toBe(1_900000000000000001n);
  });
});

describe("background requests", () => {
  it("are refused while user demand is above the threshold", async () => {
    const requester = chain.requesters[1]!;
    // More miners than exist: the task waits in Request, counting as open demand.
    const taskId = await requestUserTask(chain, requester, { k: 16 });
    expect(await stateOf(taskId)).toBe("Request");
    await expect(chain.oracles[0]!.c.incentivePool.send("requestBackgroundTask", MODEL, 3)).rejects.toThrow(
      /DemandNotLow/,
    );
  });

  it("exposes the version and enum order on chain", async () => {
    expect(await chain.owner.c.tasks.read("version")).toBe(2n);
    expect(chain.deployment.version).toBe(2);
    expect(taskStateName(6)).toBe("End");
  });
});
