import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEther, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { createMinerCore, type MinerCore } from "../helpers/miner-core.js";
import { declaredSpeed } from "../../src-main/models/model-inference.js";
import { benchmarksPath, latestBenchmark } from "../../src-main/worker-client/benchmark-store.js";
import { TINY_LLAMA_FILE } from "../../src-shared/node/gguf/tiny-llama.js";
import { deploymentFile } from "../../src-network/devnet/devnet.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { FakeInference } from "../helpers/fake-inference.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import type { PatchMessage } from "../../src-shared/app-contract.js";
import { DevnetInfo } from "../../src-shared/devnet-info.js";
import { applyPatch } from "../../src-shared/json-patch.js";
import { nodeRoleIndex } from "../../src-shared/pouw-states.js";
import { requestAndScoreTask } from "./devnet-tasks.js";
import { launchHeadless, type HeadlessCli } from "./headless-cli.js";
import { waitFor } from "./miner-harness.js";

let dataDir: string;
let core: MinerCore | undefined;
let provider: JsonRpcProvider;
const inference = new FakeInference();
const patches: PatchMessage[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-core-"));
  core = await createMinerCore({
    dataDir,
    network: "devnet",
    // The test is the requester and the oracle: the chain alone, no devnet services.
    devnetServices: false,
    password: "correct horse battery",
    appVersion: "0.0.0-test",
    inference,
    pollMs: 100,
    scryptN: 2 ** 10,
  });
  core.onPatch((p) => patches.push(p));
  provider = createProvider(core.network.rpcUrl, { chainId: core.network.chainId });
});

afterAll(async () => {
  provider?.destroy();
  await core?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the miner core on the embedded devnet", () => {
  it("creates, funds and registers a wallet, and shows it mining", async () => {
    const { snapshot } = core!.getSnapshot();
    expect(snapshot.walletAddress).toBe(core!.address);
    expect(snapshot.network).toMatchObject({ name: "devnet", chainId: core!.network.chainId, connected: true });
    expect(snapshot.network.blockNumber).toBeGreaterThan(0);
    expect(snapshot.mining.state).toBe("mining");
    expect(snapshot.tasks).toEqual([]);

    const reader = connectProtocol(core!.network.deployment, provider);
    const node = await reader.nodePool.read("getNode", core!.address);
    expect(node.stake).toBe(await reader.nodePool.read("minStake"));
    expect(Number(node.role)).toBe(nodeRoleIndex("Miner"));
    expect(await reader.nodePool.read("serves", core!.address, core!.modelId)).toBe(true);
    expect(await provider.getBalance(core!.address)).toBeGreaterThan(parseEther("1"));
  });

  it("serves a user task to End and shows the reward, with patches that rebuild the snapshot", async () => {
    const before = core!.getSnapshot();
    const seen: PatchMessage[] = [];
    const unsubscribe = core!.onPatch((p) => seen.push(p));

    const net = { deployment: core!.network.deployment, devAccounts: core!.network.devAccounts ?? [], provider };
    const taskId = await requestAndScoreTask(net, core!.modelId, core!.address);
    const tasks = connectProtocol(net.deployment, provider).tasks;

    await waitFor(
      "the task to reach End in the snapshot",
      () => core!.getSnapshot().snapshot.tasks.some((t) => t.id === `${taskId}#0` && t.stage === "End"),
      20_000,
    );
    const { rev, snapshot } = core!.getSnapshot();
    expect(BigInt(snapshot.earnings.totalWei)).toBeGreaterThan(0n);
    expect(snapshot.earnings.sessionWei).toBe(snapshot.earnings.totalWei);
    expect(snapshot.earnings.tasksCompleted).toBe(1);
    expect(BigInt(snapshot.earnings.totalWei)).toBe(await tasks.read("owed", core!.address));
    expect(inference.calls).toBe(1);

    unsubscribe();
    expect(seen.map((p) => p.rev)).toEqual(Array.from({ length: rev - before.rev }, (_, i) => before.rev + 1 + i));
    const rebuilt = seen.reduce((doc, p) => applyPatch(doc, p.ops), before.snapshot);
    expect(rebuilt).toEqual(snapshot);
  });

  it("stops and starts mining on request", async () => {
    expect(await core!.stopMining()).toEqual({ state: "stopped", reason: "Stopped by you" });
    expect(core!.getSnapshot().snapshot.mining.state).toBe("stopped");
    const patchesBefore = patches.length;
    const both = await Promise.all([core!.startMining(), core!.startMining()]);
    expect(both.map((m) => m.state)).toEqual(["mining", "mining"]);
    // One start: stopped → starting → mining, two mining changes, however often it was asked. Other
    // patches (the block height, polled every 100 ms here) may come in between.
    const miningChanges = patches.slice(patchesBefore).filter((p) => p.ops.some((op) => op.path.startsWith("/mining")));
    expect(miningChanges).toHaveLength(2);
  });

  it("close() stops the devnet's anvil, and a restart on the same folder keeps wallet, registration and history", async () => {
    const nonceAtClose = await provider.getTransactionCount(core!.address, "latest");
    const pids = core!.processes().map((p) => p.pid);
    // The injected inference means no worker: anvil is the only child.
    expect(core!.processes().map((p) => p.name)).toEqual(["chain"]);
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    await core!.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    const { address, network } = core!;
    const before = core!.getSnapshot().snapshot;

    core = await createMinerCore({
      dataDir,
      network: "devnet",
      devnetServices: false,
      password: "correct horse battery",
      appVersion: "0.0.0-test",
      inference,
      pollMs: 100,
    });
    expect(core.address).toBe(address);
    expect(core.network.deployment).toEqual(network.deployment);
    const { snapshot } = core.getSnapshot();
    expect(snapshot.tasks).toEqual(before.tasks);
    expect(snapshot.earnings).toEqual({ ...before.earnings, sessionWei: "0" });
    // Already registered: the restart sent no transaction from the miner's wallet.
    const again = createProvider(core.network.rpcUrl, { chainId: core.network.chainId });
    try {
      expect(await again.getTransactionCount(address, "latest")).toBe(nonceAtClose);
    } finally {
      again.destroy();
    }
  });
});

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("pouw-miner headless (CLI, real worker on the tiny model)", () => {
  let cliDir: string;
  let cli: HeadlessCli | undefined;
  let leftover: number[] = [];

  beforeAll(async () => {
    cliDir = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-cli-"));
  });
  afterAll(async () => {
    if (cli?.child.pid !== undefined && cli.child.exitCode === null) process.kill(cli.child.pid, "SIGKILL");
    for (const pid of leftover) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    if (cliDir) await rm(cliDir, { recursive: true, force: true });
  });

  it("refuses a first launch with no password, in one line, exit 1", async () => {
    const env = { ...process.env };
    delete env[PASSWORD_ENV];
    const child = spawn(process.execPath, ["bin/pouw-miner.js", "headless", "--data-dir", cliDir], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toBe(
      `pouw-miner: no wallet password: pass --password-file FILE or set ${PASSWORD_ENV} (the first launch creates the wallet with it)\n`,
    );
  });

  it("mines a task with the worker, serves the status, and stops everything on SIGINT", async () => {
    const passwordFile = path.join(cliDir, "password");
    await writeFile(passwordFile, "correct horse battery\n", { mode: 0o600 });
    cli = await launchHeadless([
      "--data-dir",
      cliDir,
      "--password-file",
      passwordFile,
      "--threads",
      "1",
      "--chain-only",
    ]);
    const { ready, status } = cli;
    leftover = ready.processes.map((p) => p.pid);
    expect(ready.processes.map((p) => p.name).sort()).toEqual(["chain", "worker"]);
    expect(ready.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=\w+/);
    expect((await status()).mining.state).toBe("mining");
    expect((await status()).walletAddress).toBe(ready.address);

    const chainProvider = createProvider(ready.rpcUrl, { chainId: ready.chainId });
    try {
      const info = DevnetInfo.parse(JSON.parse(await readFile(deploymentFile(path.join(cliDir, "devnet")), "utf8")));
      // Registered with the speed the worker's first-run benchmark of the served model measured.
      const stored = await latestBenchmark(path.join(cliDir, "models", TINY_LLAMA_FILE), benchmarksPath(cliDir));
      expect(stored?.tokensPerSecond).toBeGreaterThan(0);
      const node = await connectProtocol(info, chainProvider).nodePool.read("getNode", ready.address);
      expect(Number(node.speed)).toBe(declaredSpeed(stored!));
      const taskId = await requestAndScoreTask(
        { deployment: info, devAccounts: info.accounts, provider: chainProvider },
        ready.modelId,
        ready.address,
      );
      await waitFor(
        "the task to reach End on the status page",
        async () => (await status()).tasks.some((t) => t.id === `${taskId}#0` && t.stage === "End"),
        20_000,
      );
      expect(BigInt((await status()).earnings.totalWei)).toBeGreaterThan(0n);
    } finally {
      chainProvider.destroy();
    }

    const exit = cli.exited;
    process.kill(cli.child.pid!, "SIGINT");
    // An orderly stop: exit 0 (conf's exit hook re-raises the signal; the CLI ignores that echo).
    expect((await exit).code).toBe(0);
    await waitFor("every child of the CLI to end", () => !leftover.some(pidAlive), 10_000);
  });
});
