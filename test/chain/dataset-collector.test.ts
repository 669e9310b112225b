import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlots, readTask } from "../../src-main/chain/task-views.js";
import { TaskInputs } from "../../src-main/miner/task-inputs.js";
import { memoryCursorStore } from "../../src-main/sync/cursor-store.js";
import { loadTopics } from "../../src-network/demand/topic-catalogue.js";
import { DatasetCollector } from "../../src-network/dataset/dataset-collector.js";
import { DatasetStore } from "../../src-network/dataset/dataset-store.js";
import { MODEL, requestBackgroundTask, type Chain } from "./fixture.js";
import { useMinerChain, waitFor } from "./miner-harness.js";

const env = useMinerChain({ miners: 3, oracles: 1, requesters: 1, rigPerMiner: true });
let chain: Chain;
let dir: string;
beforeAll(async () => {
  chain = env.chain;
  dir = await mkdtemp(path.join(os.tmpdir(), "dataset-chain-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** One background task through to settlement: requested, answered by the rigs, PoI from the oracle. */
async function settleBackgroundTask(): Promise<bigint> {
  const tasks = chain.owner.c.tasks;
  // Network-paid tasks go to k >= 3 distinct miners (protocol v2).
  const taskId = await requestBackgroundTask(chain, chain.oracles[0]!, 3);
  await waitFor(`task ${taskId}'s reveals`, async () => (await readTask(tasks, taskId)).revealsClosed, 30_000);
  await chain.oracles[0]!.c.tasks.send("submitPoi", taskId, [10_000, 10_000, 10_000]);
  return taskId;
}

describe("dataset collector", () => {
  it("keeps one record per settled background task, with its prompt, answer and miner, and again none on a replay", async () => {
    const ids = [await settleBackgroundTask(), await settleBackgroundTask()];
    const file = path.join(dir, "dataset.jsonl");
    const topics = await loadTopics();
    const results: string[] = [];
    const open = async () => {
      const store = await DatasetStore.open(file);
      const collector = new DatasetCollector({
        provider: chain.provider,
        contracts: chain.owner.c,
        store,
        topics,
        cursor: memoryCursorStore(),
        startBlock: chain.deployment.deployedAtBlock,
        pollMs: 50,
        onRecord: (taskId, result) => results.push(`${taskId}:${result}`),
      });
      await collector.start();
      return { store, collector };
    };
    const first = await open();
    await waitFor("both records", () => ids.every((id) => first.store.has(id.toString())));
    const inputs = new TaskInputs(chain.provider, chain.owner.c.tasks.address, chain.deployment.deployedAtBlock);
    for (const id of ids) {
      const record = first.store.all().find((r) => r.taskId === id.toString())!;
      const [prepared] = await inputs.all("PromptPrepared", id);
      const [revealed] = await inputs.all("Revealed", id);
      const slots = await readSlots(chain.owner.c.tasks, id, 3);
      expect(record.prompt).toBe(prepared?.prompt);
      expect(record.answer).toMatch(/\w/);
      expect(revealed?.inline).toBe(true);
      expect(record.miners).toEqual(slots.map((slot) => ({ address: slot.miner, scoreBps: 10_000 })));
      expect(record.topicId).toMatch(/^stories:/);
      expect(record.modelId).toBe(MODEL);
    }
    await first.collector.stop();
    await first.store.close();
    // A fresh cursor replays every settlement: the store keeps one line per task.
    const again = await open();
    await waitFor("the replay of both settlements", () => results.length === 4);
    expect(results).toEqual([...ids.map((id) => `${id}:kept`), ...ids.map((id) => `${id}:exists`)]);
    const third = await settleBackgroundTask();
    await waitFor("the third record", () => again.store.has(third.toString()));
    expect(again.store.all().map((r) => r.taskId)).toEqual([...ids, third].map(String));
    await again.collector.stop();
    await again.store.close();
  });
});
