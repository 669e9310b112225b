import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTask } from "../../src-main/chain/task-views.js";
import { BagOfWordsEmbedder } from "../helpers/fake-embedder.js";
import type { OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { ackAll, assignedMiners, precommitAll, requestUserTask, revealAll, startChain, type Chain } from "./fixture.js";
import { waitFor } from "./miner-harness.js";
import { startTestOracle } from "./oracle-harness.js";

// Issue 13: one miner blocked settlement by revealing more than the oracle's embedder holds (the
// oracle errored, the task was refunded, honest miners got nothing). Now the oracle scores the
// part that fits and the task settles.
const CONTEXT_CHARS = 400;
let chain: Chain;
let dir: string;
let oracle: OpenedOracle;
const errors: unknown[] = [];
const embedder = new BagOfWordsEmbedder(CONTEXT_CHARS);

beforeAll(async () => {
  chain = await startChain({ miners: 3, oracles: 1, requesters: 1 });
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-long-reveal-"));
  oracle = await startTestOracle(chain, dir, errors, 0, "oracle", embedder);
});
afterAll(async () => {
  await oracle?.close();
  await chain?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("an output longer than the embedding context", () => {
  it("is cut to what the embedder holds: the task settles and the honest miners are paid", async () => {
    const honest = "The little fox found a warm den under the old oak tree.";
    const flood = Array.from({ length: 1500 }, (_, i) => `zz${i}`).join(" ");
    expect(flood.length).toBeGreaterThan(10 * CONTEXT_CHARS);
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    const runs = await assignedMiners(chain, taskId, (slot) => (slot === 2 ? flood : honest));
    await ackAll(taskId, runs);
    await precommitAll(taskId, runs);
    await revealAll(taskId, runs);
    await waitFor("the task to end", async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End", 30_000);
    expect((await readTask(chain.owner.c.tasks, taskId)).outcome).toBe("Settled");
    const owed = (a: string) => chain.owner.c.tasks.read("owed", a);
    for (const r of runs) {
      if (r.slot === 2) expect(await owed(r.node.address)).toBe(0n);
      else expect(await owed(r.node.address)).toBeGreaterThan(0n);
    }
    expect(errors).toEqual([]);
  });
});
