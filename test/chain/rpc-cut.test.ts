import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { readSlots } from "../../src-main/chain/task-views.js";
import { createMinerCore, type MinerCore } from "../helpers/miner-core.js";
import { deploymentFile, startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { FakeInference } from "../helpers/fake-inference.js";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";
import { devAccount, requestTask, scoreWhenRevealed, taskCallsFrom, type DevnetView } from "./devnet-tasks.js";
import { waitFor } from "./miner-harness.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

// The miner reaches the chain only through a TCP proxy the test cuts (connections dropped, new
// ones refused) and restores. Tasks are requested straight on the chain while the miner is cut off:
// every assignment must still be answered once the connection is back, each action sent once.
const password = "correct horse battery";
let root: string;
let devnet: RunningDevnet;
let proxy: TcpProxy;
let provider: JsonRpcProvider;
let net: DevnetView;
let core: MinerCore | undefined;
const logs: string[] = [];
// Slow enough that the connection can be cut while the answer is being generated.
const inference = new FakeInference({ delayMs: 1_500 });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-rpc-cut-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
  provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  net = { deployment: devnet.info, devAccounts: devnet.info.accounts, provider };
  const rpc = new URL(devnet.info.rpcUrl);
  proxy = await startTcpProxy({ host: rpc.hostname, port: Number(rpc.port) });

  const deployment = JSON.parse(await readFile(deploymentFile(path.join(root, "chain")), "utf8")) as Record<
    string,
    unknown
  >;
  const viaProxy = path.join(root, "via-proxy.json");
  await writeFile(viaProxy, JSON.stringify({ ...deployment, rpcUrl: proxy.url }));

  const dataDir = path.join(root, "miner");
  const { address } = await new WalletStore(path.join(dataDir, "wallet"), { scryptN: 2 ** 10 }).import(
    { kind: "privateKey", privateKey: Wallet.createRandom().privateKey },
    password,
  );
  const spare = devAccount(net, "spare");
  await (await spare.wallet.sendTransaction({ to: address, value: parseEther("1") })).wait();
  await spare.c.token.send("transfer", address, await spare.c.nodePool.read("minStake"));

  core = await createMinerCore({
    dataDir,
    network: { deploymentFile: viaProxy },
    password,
    appVersion: "0.0.0-test",
    inference,
    pollMs: 100,
    onLog: (l) => logs.push(l),
  });
}, 60_000);

afterAll(async () => {
  await proxy?.restore().catch(() => undefined);
  await core?.close();
  await proxy?.close();
  provider?.destroy();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const slotStatus = async (taskId: bigint) =>
  (await readSlots(connectProtocol(net.deployment, provider).tasks, taskId, 1))[0]?.status;
const ended = (taskId: bigint) =>
  core!.getSnapshot().snapshot.tasks.some((t) => t.id === `${taskId}#0` && t.stage === "End");

describe("RPC connection cut and restored during mining", () => {
  it("answers a task assigned while the miner was cut off, once the connection is back", async () => {
    expect(core!.getSnapshot().snapshot.mining.state).toBe("mining");
    await proxy.cut();
    const taskId = await requestTask(net, core!.modelId);
    await waitFor(
      "the snapshot to show the node unreachable",
      () => !core!.getSnapshot().snapshot.network.connected,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await slotStatus(taskId)).toBe("Assigned");
    expect(inference.calls).toBe(0);

    await proxy.restore();
    await waitFor("the node reachable again", () => core!.getSnapshot().snapshot.network.connected, 10_000);
    await scoreWhenRevealed(net, taskId, core!.address);
    await waitFor(`task ${taskId} to reach End`, () => ended(taskId), 20_000);
    expect(inference.calls).toBe(1);
    expect(logs.some((l) => l.startsWith("chain sync:"))).toBe(true);
  });

  it("finishes a task whose connection is cut between the ack and the precommit", async () => {
    const taskId = await requestTask(net, core!.modelId);
    await waitFor("the ack", async () => (await slotStatus(taskId)) === "Acked", 10_000);
    await proxy.cut();
    // The answer is generated meanwhile; its precommit cannot reach the node.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await slotStatus(taskId)).toBe("Acked");
    await proxy.restore();
    await scoreWhenRevealed(net, taskId, core!.address);
    await waitFor(`task ${taskId} to reach End`, () => ended(taskId), 20_000);
  });

  it("sent each action of each task exactly once", async () => {
    const { calls } = await taskCallsFrom(net, core!.address, devnet.info.deployedAtBlock);
    const perTask = [...calls.entries()].filter(([key]) => /^(ack|precommit|reveal):/.test(key));
    expect(perTask).toHaveLength(6);
    expect(perTask.every(([, n]) => n === 1)).toBe(true);
    const owed = await connectProtocol(net.deployment, provider).tasks.read("owed", core!.address);
    expect(BigInt(core!.getSnapshot().snapshot.earnings.totalWei)).toBe(owed);
  });
});
