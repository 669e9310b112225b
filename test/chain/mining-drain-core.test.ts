import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { increaseTime } from "../../src-main/chain/provider.js";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import type { MinerCore } from "../helpers/miner-core.js";
import { FakeInference } from "../helpers/fake-inference.js";
import type { Inference } from "../../src-main/miner/inference.js";
import { devAccount, requestTask, scoreWhenRevealed, taskCallsFrom, type DevnetView } from "./devnet-tasks.js";
import { openCoreOnDevnet, type CoreOnDevnet } from "./core-on-devnet.js";
import { waitFor } from "./miner-harness.js";

// The draining stop in the real core: the test plays requester and oracle, and holds each
// generation until it lets it go, so a stop lands while a task is in flight.
let core: MinerCore;
let provider: JsonRpcProvider;
let net: DevnetView;
const fake = new FakeInference();
let gate: { promise: Promise<void>; open: () => void } | undefined;
/** Generations that reached the gate: the engine has started them (they wait for `release`). */
let atGate = 0;
const inference: Inference = {
  generate: async (req, signal) => {
    atGate++;
    await gate?.promise;
    return fake.generate(req, signal);
  },
};
/** The next generation waits until the returned function is called. */
function holdNextGeneration(): () => void {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  gate = { promise, open };
  return open;
}

let env: CoreOnDevnet | undefined;

beforeAll(async () => {
  env = await openCoreOnDevnet("pouw-drain-core-", {
    inference,
  });
  ({ core, provider, net } = env);
}, 60_000);

afterAll(async () => {
  gate?.open();
  await env?.close();
});

const tasks = () => connectProtocol(net.deployment, provider).tasks;
const mining = () => core.getSnapshot().snapshot.mining;
const slot = async (taskId: bigint) => (await readSlots(tasks(), taskId, 1))[0]!;
const record = (taskId: bigint) => core.taskRecords().find((r) => r.taskId === taskId.toString() && r.slot === 0);
const ended = (taskId: bigint) => record(taskId)?.states.at(-1)?.state === "End";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whether the engine's write-ahead journal holds this task's output (read from its file, as a restart would). */
const outputJournaled = (taskId: bigint) =>
  readdirSync(env!.dataDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith("journal.jsonl"))
    .some((f) =>
      readFileSync(path.join(env!.dataDir, f), "utf8")
        .split("\n")
        .some((l) => l.includes('"action":"output"') && l.includes(`"taskId":"${taskId}"`)),
    );
const reputation = async () => {
  const r = await connectProtocol(net.deployment, provider).nodePool.read("reputation", core.address);
  return { completed: Number(r.completed), failed: Number(r.failed), timedOut: Number(r.timedOut) };
};

/** A task acked by this miner whose generation is held; returns it and the function that lets it go. */
async function taskInFlight(): Promise<{ taskId: bigint; release: () => void }> {
  const release = holdNextGeneration();
  const before = atGate;
  const taskId = await requestTask(net, core.modelId);
  await waitFor(`task ${taskId} to be acked`, async () => (await slot(taskId)).status === "Acked", 10_000);
  // Acked on chain is not yet in flight here: wait until its generation has started (held at the gate).
  await waitFor(`task ${taskId}'s generation to start`, () => atGate > before, 10_000);
  return { taskId, release };
}

/** The oracle's part for a slot left un-answered: after its deadline the task is advanced to End. */
async function advancePastDeadline(taskId: bigint): Promise<void> {
  const { deadline } = await readTask(tasks(), taskId);
  const head = await provider.getBlock("latest");
  await increaseTime(provider, deadline - head!.timestamp + 1);
  await devAccount(net, "oracle").c.tasks.send("advance", taskId);
  expect((await readTask(tasks(), taskId)).state).toBe("End");
}

describe("stopping the miner with a task in flight", () => {
  let assignedWhileStopped: bigint;

  it("drains: the acked task reaches End with this miner's reveal and reward, then mining stops", async () => {
    const from = await provider.getBlockNumber();
    const before = await reputation();
    const { taskId, release } = await taskInFlight();
    expect(await core.stopMining()).toEqual({ state: "stopping", reason: "Stopping: finishing 1 task in flight" });
    release();
    await scoreWhenRevealed(net, taskId, core.address);
    await waitFor(`task ${taskId} to reach End`, () => ended(taskId), 20_000);
    await waitFor("the stop once the task ended", () => mining().state === "stopped", 5_000);
    expect(mining()).toEqual({ state: "stopped", reason: "Stopped by you" });

    const r = record(taskId)!;
    expect(r.states.find((s) => s.state === "Commit")?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(BigInt(r.reward)).toBeGreaterThan(0n);
    expect(r.outcome).toBe("Completed");
    const { calls } = await taskCallsFrom(net, core.address, from);
    expect([calls.get(`ack:${taskId}`), calls.get(`precommit:${taskId}`), calls.get(`reveal:${taskId}`)]).toEqual([
      1, 1, 1,
    ]);
    expect(await reputation()).toEqual({ ...before, completed: before.completed + 1 });
  });

  it("acks no new assignment after the stop", async () => {
    // This miner is idle again, so the next task is assigned to it: it stays un-acked.
    assignedWhileStopped = await requestTask(net, core.modelId);
    expect((await slot(assignedWhileStopped)).miner).toBe(core.address);
    await sleep(1_500);
    expect((await slot(assignedWhileStopped)).status).toBe("Assigned");
    expect(mining().state).toBe("stopped");
  });

  it("a start while stopping resumes mining: the task in flight finishes and mining goes on", async () => {
    // The start acks the assignment held since the stop (still within its ack window).
    const release = holdNextGeneration();
    expect((await core.startMining()).state).toBe("mining");
    const taskId = assignedWhileStopped;
    await waitFor(`task ${taskId} to be acked`, async () => (await slot(taskId)).status === "Acked", 10_000);
    expect((await core.stopMining()).state).toBe("stopping");
    expect(await core.startMining()).toEqual({ state: "mining", reason: expect.stringMatching(/^Serving /) });
    release();
    await scoreWhenRevealed(net, taskId, core.address);
    await waitFor(`task ${taskId} to reach End`, () => ended(taskId), 20_000);
    await sleep(500);
    expect(mining().state).toBe("mining");

    // New work is taken again.
    const next = await requestTask(net, core.modelId);
    await scoreWhenRevealed(net, next, core.address);
    await waitFor(`task ${next} to reach End`, () => ended(next), 20_000);
  });

  it("force stops at once: the task in flight is left where it is, and a start before its deadline takes it up again", async () => {
    const from = await provider.getBlockNumber();
    const { taskId, release } = await taskInFlight();
    expect(await core.stopMining({ force: true })).toEqual({
      state: "stopped",
      reason: "Stopped by you: 1 task in flight was abandoned",
    });
    // The generation under way finishes (its output is journaled), but nothing more is sent.
    release();
    await waitFor(`task ${taskId}'s output in the journal`, () => outputJournaled(taskId), 20_000);
    await sleep(500);
    expect((await slot(taskId)).status).toBe("Acked");
    expect((await taskCallsFrom(net, core.address, from)).calls.get(`precommit:${taskId}`)).toBeUndefined();

    const generations = fake.calls;
    expect((await core.startMining()).state).toBe("mining");
    await scoreWhenRevealed(net, taskId, core.address);
    await waitFor(`task ${taskId} to reach End`, () => ended(taskId), 20_000);
    expect(record(taskId)?.outcome).toBe("Completed");
    // The journaled output was precommitted and revealed: no second generation.
    expect(fake.calls).toBe(generations);
  });

  // Last: the abandoned acked slot costs stake, after which this miner is below the minimum stake.
  it("a second stop while draining stops at once; the abandoned acked slot fails on chain", async () => {
    const before = await reputation();
    const { taskId, release } = await taskInFlight();
    expect((await core.stopMining()).state).toBe("stopping");
    expect(await core.stopMining()).toEqual({
      state: "stopped",
      reason: "Stopped by you: 1 task in flight was abandoned",
    });
    release();
    await advancePastDeadline(taskId);
    expect(await reputation()).toEqual({ ...before, failed: before.failed + 1 });
    // A later start settles the task in the history.
    expect((await core.startMining()).state).toBe("mining");
    await waitFor(`task ${taskId} to be settled`, () => ended(taskId), 10_000);
    expect(record(taskId)?.outcome).toBe("Failed");
  });
});
