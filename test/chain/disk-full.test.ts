import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { readSlots } from "../../src-main/chain/task-views.js";
import { createMinerCore, type MinerCore } from "../helpers/miner-core.js";
import { startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { Journal } from "../../src-main/tx/journal.js";
import { FakeInference } from "../helpers/fake-inference.js";
import { WalletStore } from "../../src-main/wallet/wallet-store.js";
import { FullDisk } from "../helpers/full-disk.js";
import { devAccount, requestTask, scoreWhenRevealed, taskCallsFrom, type DevnetView } from "./devnet-tasks.js";
import { waitFor } from "./miner-harness.js";

// The miner's journal sits on a disk that fills up (an injected ENOSPC file layer): the state must
// say so, nothing may be sent without its journal line, and once space is back the task finishes
// with its reward, each action sent once, and the journal opens clean.
let root: string;
let devnet: RunningDevnet;
let provider: JsonRpcProvider;
let net: DevnetView;
let core: MinerCore | undefined;
const PASSWORD = "correct horse battery";
const disk = new FullDisk();
const logs: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pouw-disk-full-"));
  devnet = await startDevnet({ dataDir: path.join(root, "chain") });
  provider = createProvider(devnet.info.rpcUrl, { chainId: devnet.info.chainId });
  net = { deployment: devnet.info, devAccounts: devnet.info.accounts, provider };
  const dataDir = path.join(root, "miner");
  const { address } = await new WalletStore(path.join(dataDir, "wallet"), { scryptN: 2 ** 10 }).import(
    { kind: "privateKey", privateKey: Wallet.createRandom().privateKey },
    PASSWORD,
  );
  const spare = devAccount(net, "spare");
  await (await spare.wallet.sendTransaction({ to: address, value: parseEther("1") })).wait();
  await spare.c.token.send("transfer", address, await spare.c.nodePool.read("minStake"));
  core = await createMinerCore({
    dataDir,
    network: { deploymentFile: path.join(root, "chain", "deployment.json") },
    password: PASSWORD,
    appVersion: "0.0.0-test",
    inference: new FakeInference(),
    pollMs: 100,
    scryptN: 2 ** 10,
    journalFiles: disk.files,
    onLog: (l) => logs.push(l),
  });
}, 90_000);

afterAll(async () => {
  await core?.close();
  provider?.destroy();
  await devnet?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("a full disk under the miner's journal", () => {
  it("shows mining degraded, sends nothing unjournaled, and finishes the task once space is back", async () => {
    const mining = () => core!.getSnapshot().snapshot.mining;
    expect(mining().state).toBe("mining");
    disk.freeBytes = 20;
    const taskId = await requestTask(net, core!.modelId);
    await waitFor("the miner to show the full disk", () => mining().state === "degraded", 20_000);
    expect(mining().reason).toMatch(/^disk full: records not saved since \d\d:\d\d$/);
    expect(logs.some((l) => l.includes("could not be written: the disk is full"))).toBe(true);
    const slot = async () => (await readSlots(connectProtocol(net.deployment, provider).tasks, taskId, 1))[0]?.status;
    expect(await slot()).toBe("Assigned"); // no ack without its journal line

    disk.freeBytes = undefined;
    await scoreWhenRevealed(net, taskId, core!.address);
    await waitFor("mining again", () => mining().state === "mining", 30_000);
    await waitFor(
      `task ${taskId} to reach End`,
      () => core!.getSnapshot().snapshot.tasks.some((t) => t.id === `${taskId}#0` && t.stage === "End"),
      30_000,
    );

    const { calls } = await taskCallsFrom(net, core!.address, devnet.info.deployedAtBlock);
    const perTask = [...calls.entries()].filter(([key]) => /^(ack|precommit|reveal):/.test(key));
    expect(perTask.map(([, n]) => n)).toEqual([1, 1, 1]);
    const owed = await connectProtocol(net.deployment, provider).tasks.read("owed", core!.address);
    expect(owed).toBeGreaterThan(0n);
    expect(BigInt(core!.getSnapshot().snapshot.earnings.totalWei)).toBe(owed);

    // The journal left behind opens with nothing to repair.
    await core!.close();
    core = undefined;
    const networks = path.join(root, "miner", "networks");
    const [folder] = await readdir(networks);
    const journal = await Journal.open(path.join(networks, folder!, "journal.jsonl"));
    expect(journal.repairs).toEqual([]);
    await journal.close();
  }, 120_000);
});
