import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revert, snapshot } from "../../src-main/chain/provider.js";
import { readTask } from "../../src-main/chain/task-views.js";
import { BagOfWordsEmbedder } from "../helpers/fake-embedder.js";
import { openOracle, type OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { requestUserTask, type Chain } from "./fixture.js";
import { useMinerChain, waitFor } from "./miner-harness.js";

// The devnet's anvil restored from a state file a little older than the oracle's journal: the
// journal says the PoI was confirmed, the chain never saw it.
const env = useMinerChain({ miners: 3, oracles: 1, requesters: 1, rigPerMiner: true });
let chain: Chain;
let current: OpenedOracle | undefined;
const oracleErrors: unknown[] = [];

beforeAll(() => {
  chain = env.chain;
});
afterAll(async () => {
  await current?.close();
});

async function startOracle(): Promise<OpenedOracle> {
  const o = chain.oracles[0]!;
  current = await openOracle({
    dir: path.join(env.dir, "oracle"),
    signer: o.wallet,
    provider: chain.provider,
    contracts: o.c,
    embedder: new BagOfWordsEmbedder(),
    startBlock: chain.deployment.deployedAtBlock,
    pollMs: 100,
    txQueue: { pollMs: 20 },
    onError: (err) => oracleErrors.push(err),
  });
  await current.node.start();
  return current;
}

describe("oracle after a chain rewind", () => {
  it("re-checks what its journal marks confirmed, sends the lost PoI again and the task ends", async () => {
    const taskId = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    await waitFor(`reveals of task ${taskId}`, async () => (await readTask(chain.owner.c.tasks, taskId)).revealsClosed);
    const before = await snapshot(chain.provider);

    const first = await startOracle();
    await waitFor(`task ${taskId} to end`, async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End");
    await first.close();
    current = undefined;
    expect(first.journal.actions().filter((a) => a.taskId === taskId.toString() && a.confirmed)).not.toEqual([]);

    await revert(chain.provider, before);
    expect((await readTask(chain.owner.c.tasks, taskId)).state).toBe("Commit");

    await startOracle();
    await waitFor(
      `task ${taskId} to end again`,
      async () => (await readTask(chain.owner.c.tasks, taskId)).state === "End",
    );
    expect((await readTask(chain.owner.c.tasks, taskId)).outcome).toBe("Settled");
    expect(oracleErrors.map(String)).toContainEqual(
      expect.stringMatching(/no longer on chain \(rewound\?\); sending it again/),
    );
  });
});
