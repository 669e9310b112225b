import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEPLOY_PARAMS } from "../../src-main/chain/deploy.js";
import { increaseTime } from "../../src-main/chain/provider.js";
import { readTask } from "../../src-main/chain/task-views.js";
import { decodeTaskLog } from "../../src-main/miner/task-events.js";
import { BagOfWordsEmbedder } from "../helpers/fake-embedder.js";
import { openOracle, type OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { requestUserTask, type Chain } from "./fixture.js";
import { useMinerChain, waitFor } from "./miner-harness.js";

const env = useMinerChain({ miners: 3, oracles: 1, requesters: 1, rigPerMiner: true });
let chain: Chain;
let current: OpenedOracle | undefined;
const oracleErrors: unknown[] = [];
const embedder = new BagOfWordsEmbedder();

beforeAll(() => {
  chain = env.chain;
});
afterAll(async () => {
  await current?.close();
});

/** A fresh node over the same folder: same journal, cursor and open-task list, empty memory. */
async function startOracle(): Promise<OpenedOracle> {
  const o = chain.oracles[0]!;
  current = await openOracle({
    dir: path.join(env.dir, "oracle"),
    signer: o.wallet,
    provider: chain.provider,
    contracts: o.c,
    embedder,
    startBlock: chain.deployment.deployedAtBlock,
    pollMs: 100,
    txQueue: { pollMs: 20 },
    onError: (err) => oracleErrors.push(err),
  });
  await current.node.start();
  return current;
}

const oracleNonce = () => chain.provider.getTransactionCount(chain.oracles[0]!.address, "latest");
const stateOf = async (taskId: bigint) => (await readTask(chain.owner.c.tasks, taskId)).state;

async function poiSubmissions(): Promise<bigint[]> {
  const logs = await chain.provider.getLogs({
    address: chain.deployment.contracts.tasks,
    fromBlock: chain.deployment.deployedAtBlock,
    toBlock: "latest",
  });
  return logs
    .map(decodeTaskLog)
    .flatMap((e) => (e?.name === "PoiSubmitted" && e.oracle === chain.oracles[0]!.address ? [e.taskId] : []));
}

describe("oracle restart", () => {
  it("a restarted node sends no second PoI, finishes the task left pending, and ignores replayed history", async () => {
    const nonceBefore = await oracleNonce();
    const first = await startOracle();
    const done = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    await waitFor(`task ${done} to end`, async () => (await stateOf(done)) === "End");

    // A second task the first node saw open, then the node stops before it can settle it.
    const pending = await requestUserTask(chain, chain.requesters[0]!, { k: 3 });
    await waitFor("the node to watch the pending task", () => first.node.openTasks().includes(pending));
    await first.close();
    current = undefined;
    await waitFor(
      `reveals of task ${pending}`,
      async () => (await readTask(chain.owner.c.tasks, pending)).revealsClosed,
    );
    expect(await stateOf(pending)).toBe("Commit");
    expect(await oracleNonce()).toBe(nonceBefore + 1);

    const second = await startOracle();
    await waitFor(`task ${pending} to end`, async () => (await stateOf(pending)) === "End");
    expect((await readTask(chain.owner.c.tasks, pending)).outcome).toBe("Settled");
    expect(await poiSubmissions()).toEqual([done, pending]);
    expect(await oracleNonce()).toBe(nonceBefore + 2);
    expect(second.node.openTasks()).toEqual([]);

    // Every past event delivered again, twice, to the running node: nothing is sent.
    const embedCalls = embedder.calls;
    const logs = await chain.provider.getLogs({
      address: chain.deployment.contracts.tasks,
      fromBlock: chain.deployment.deployedAtBlock,
      toBlock: "latest",
    });
    await second.node.handleLogs(logs);
    await second.node.wake();
    await second.node.handleLogs(logs);
    await second.node.wake();
    expect(await oracleNonce()).toBe(nonceBefore + 2);
    expect(embedder.calls).toBe(embedCalls);
    const pois = second.journal.all().filter((r) => r.action === "poi" && r.kind === "intent");
    expect(pois.map((r) => r.taskId)).toEqual([done.toString(), pending.toString()]);
    expect(oracleErrors).toEqual([]);
  });

  it("a task seen before the stop whose deadline passes while the node is down is advanced after restart", async () => {
    // k = 4 with three miners: nobody can be assigned, the task waits in Request with no further events.
    const first = current ?? (await startOracle());
    const waiting = await requestUserTask(chain, chain.requesters[0]!, { k: 4 });
    await waitFor("the node to watch the waiting task", () => first.node.openTasks().includes(waiting));
    const nonceBefore = await oracleNonce();
    await first.close();
    current = undefined;
    await increaseTime(chain.provider, DEFAULT_DEPLOY_PARAMS.windows.request + 1);
    expect(await stateOf(waiting)).toBe("Request");

    // Only the saved open-task list can tell the new node about it: its cursor is past every event of it.
    const again = await startOracle();
    await waitFor(`task ${waiting} to be refunded`, async () => (await stateOf(waiting)) === "End");
    expect((await readTask(chain.owner.c.tasks, waiting)).outcome).toBe("Refunded");
    expect(await oracleNonce()).toBe(nonceBefore + 1);
    expect(
      again.journal
        .all()
        .filter((r) => r.taskId === waiting.toString() && r.kind === "intent")
        .map((r) => r.action),
    ).toEqual([expect.stringMatching(/^advance:Request:\d+$/)]);
    expect(oracleErrors).toEqual([]);
  });
});
