import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther, type JsonRpcProvider } from "ethers";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider, increaseTime } from "../../src-main/chain/provider.js";
import { modelIdOf, readSlot, readTask } from "../../src-main/chain/task-views.js";
import { startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import type { NetworkServicesOptions } from "../../src-network/devnet/network-services.js";
import { lockPath } from "../../src-network/devnet/lock.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { createDevnetRouterKey } from "../../src-network/devnet/router-service.js";
import { decodeTaskLog } from "../../src-main/miner/task-events.js";
import { minerCensus } from "../../src-main/chain/miner-census.js";
import { DevnetInfo } from "../../src-shared/devnet-info.js";
import { PouwReceipt, POUW_TASK_ID_HEADER } from "../../src-shared/router-contract.js";
import { waitFor } from "./miner-harness.js";

// The whole embedded network on the project's tiny model: oracle (worker embeddings), three peer
// miners (each a process with its own worker), router and background demand. One data folder,
// two starts: the second reuses the deployment and is where a peer gets killed.
let dataDir: string;
let devnet: RunningDevnet | undefined;
let provider: JsonRpcProvider | undefined;
const warnings: string[] = [];
/** What the services logged (read it when debugging a failure). */
const serviceLogs: string[] = [];

const Health = z.object({ address: z.string(), workerPid: z.number().int().nullable() });

async function start(network: NetworkServicesOptions): Promise<RunningDevnet> {
  devnet = await startDevnet({
    dataDir,
    network: {
      peers: 3,
      pollMs: 100,
      router: { limits: { k: 2, timeoutMs: 40_000 } },
      onLog: (l) => serviceLogs.push(l),
      ...network,
    },
    onWarning: (w) => warnings.push(w),
  });
  provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  return devnet;
}

async function stop(): Promise<void> {
  provider?.destroy();
  provider = undefined;
  await devnet?.stop();
  devnet = undefined;
}

/** Each live peer's process, worker and account, read from its health URL. */
async function peers(
  d: RunningDevnet,
): Promise<Array<{ name: string; pid: number; workerPid: number; address: string }>> {
  const out = [];
  for (const s of d.services().filter((x) => x.name.startsWith("peer-") && pidAlive(x.pid!))) {
    const h = Health.parse(await (await fetch(s.url!)).json());
    out.push({ name: s.name, pid: s.pid!, workerPid: h.workerPid!, address: h.address });
  }
  return out;
}

let apiKey: string | undefined;
/** The openai client with a key of the devnet's router (made once: the folder, and its keys, outlive restarts). */
const client = async (d: RunningDevnet) => {
  apiKey ??= (await createDevnetRouterKey(d.info, { label: "devnet-network test" })).key;
  return new OpenAI({ baseURL: d.info.routerUrl!, apiKey, maxRetries: 0 });
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-devnet-net-"));
});
afterAll(async () => {
  await stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the devnet's network", () => {
  let modelName = "";
  let requesterBalance = 0n;

  it("starts from nothing with oracle, peers and router; the openai client gets an answer that went through every state", async () => {
    const d = await start({ background: { intervalMs: 500 } });
    expect(d.deployed).toBe(true);
    expect(d.info.peers).toBe(3);
    expect(d.info.routerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const written = DevnetInfo.parse(JSON.parse(await readFile(path.join(dataDir, "deployment.json"), "utf8")));
    expect(written.routerUrl).toBe(d.info.routerUrl);
    const running = await peers(d);
    expect(running).toHaveLength(3);
    for (const p of running) expect(pidAlive(p.pid) && pidAlive(p.workerPid)).toBe(true);
    expect(new Set(running.map((p) => p.workerPid)).size).toBe(3);

    const models = [];
    for await (const m of (await client(d)).models.list()) models.push(m.id);
    expect(models).toHaveLength(1);
    modelName = models[0]!;

    const { data, response } = await (
      await client(d)
    ).chat.completions
      .create({
        model: modelName,
        messages: [{ role: "user", content: "Once upon a time there was a cat" }],
        max_tokens: 16,
      })
      .withResponse();
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const pouw = PouwReceipt.parse((data as unknown as { pouw: unknown }).pouw);
    expect(response.headers.get(POUW_TASK_ID_HEADER)).toBe(pouw.taskId);
    expect(pouw.states.map((s) => s.state)).toEqual(["Request", "Start", "Precommit", "Commit", "End"]);
    const task = await readTask(connectProtocol(d.info, provider!).tasks, BigInt(pouw.taskId));
    expect(task.outcome).toBe("Settled");
  });

  it("background demand asks for tasks while users are quiet, and idle peers settle them", async () => {
    const c = connectProtocol(devnet!.info, provider!);
    const topic = c.incentivePool.contract.interface.getEvent("BackgroundRequested")!.topicHash;
    let settled: bigint | undefined;
    await waitFor(
      "a settled background task",
      async () => {
        const logs = await provider!.getLogs({
          address: c.incentivePool.address,
          topics: [topic],
          fromBlock: devnet!.info.deployedAtBlock,
        });
        for (const log of logs) {
          const id = BigInt(log.topics[1]!);
          if ((await readTask(c.tasks, id)).outcome === "Settled") settled = id;
        }
        return settled !== undefined;
      },
      60_000,
    );
    const t = await readTask(c.tasks, settled!);
    expect(t.background).toBe(true);
    requesterBalance = await c.token.read(
      "balanceOf",
      devnet!.info.accounts.find((a) => a.role === "requester")!.address,
    );
  });

  it("restarts on the same folder: deployment reused, balances kept, peers not registered twice", async () => {
    const before = devnet!.info;
    await stop();
    expect(existsSync(lockPath(dataDir))).toBe(false);
    // Background demand off from here: the killed-peer test needs an idle replacement miner.
    const d = await start({ background: false });
    expect(d.deployed).toBe(false);
    expect(d.info.contracts).toEqual(before.contracts);
    const c = connectProtocol(d.info, provider!);
    expect(await c.token.read("balanceOf", d.info.accounts.find((a) => a.role === "requester")!.address)).toBe(
      requesterBalance,
    );
    const miners = await c.nodePool.read("modelMiners", modelIdOf(modelName));
    expect(miners).toHaveLength(3);
  });

  it("a peer killed with SIGKILL: the oracle reassigns its slot and the request still completes", async () => {
    const d = devnet!;
    const c = connectProtocol(d.info, provider!);
    // Tasks of the first run (background ones) may still hold miners; a replacement must be idle.
    await waitFor(
      "every peer idle",
      async () => (await minerCensus(c.nodePool, modelIdOf(modelName))).idle === 3,
      60_000,
    );
    const [victim] = await peers(d);
    // Make the victim the near-certain pick: selection is weighted by stake.
    const key = d.info.accounts.find((a) => a.address === victim!.address)!.privateKey;
    const vc = connectProtocol(d.info, new Wallet(key, provider!));
    await vc.token.send("approve", d.info.contracts.nodePool, parseEther("5000"));
    await vc.nodePool.send("addStake", parseEther("5000"));
    process.kill(victim!.pid, "SIGKILL");
    await waitFor("the victim's worker to follow its peer", async () => !pidAlive(victim!.workerPid), 15_000);

    const answer = (await client(d)).chat.completions.create({
      model: modelName,
      messages: [{ role: "user", content: "A dog ran" }],
      max_tokens: 8,
    });
    // The victim was assigned and will never ack; once the live peer has acked, move the chain
    // past the Start deadline (earlier, the live peer's ack would be late too).
    await waitFor(
      "the task assigned to the killed peer, the other slot acked",
      async () => {
        const count = await c.tasks.read("taskCount");
        const slots = await Promise.all([0, 1].map((i) => readSlot(c.tasks, count, i)));
        return (
          slots.some((s) => s.miner === victim!.address) &&
          slots.some((s) => s.miner !== victim!.address && s.status === "Acked")
        );
      },
      20_000,
    );
    await increaseTime(provider!, 61);
    const res = await answer;
    expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const pouw = PouwReceipt.parse((res as unknown as { pouw: unknown }).pouw);
    const logs = await provider!.getLogs({
      address: d.info.contracts.tasks,
      topics: [null, taskTopic(pouw.taskId)],
      fromBlock: 0,
    });
    const events = logs.map((l) => decodeTaskLog(l));
    expect(events.map((e) => e?.name)).toContain("SlotReassigned");
    expect(events.find((e) => e?.name === "SlotReassigned")).toMatchObject({ oldMiner: victim!.address });
    expect(warnings.some((w) => w.includes(victim!.name))).toBe(true);
  });

  it("stops every child: peers, their workers and anvil", async () => {
    const d = devnet!;
    const children = await peers(d);
    const chain = d.services().find((s) => s.name === "chain")!.pid!;
    await stop();
    for (const p of children) expect([pidAlive(p.pid), pidAlive(p.workerPid)]).toEqual([false, false]);
    expect(pidAlive(chain)).toBe(false);
  });
});

function taskTopic(taskId: string): string {
  return `0x${BigInt(taskId).toString(16).padStart(64, "0")}`;
}
