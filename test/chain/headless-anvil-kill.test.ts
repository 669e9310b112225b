import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../../src-main/chain/provider.js";
import { chainStateFile } from "../../src-network/devnet/chain-service.js";
import { deploymentFile } from "../../src-network/devnet/devnet.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { SnapshotMessage, type AppSnapshot } from "../../src-shared/app-contract.js";
import { DevnetInfo } from "../../src-shared/devnet-info.js";
import { headlessPaths } from "../../src-shared/headless-protocol.js";
import { launchHeadlessProcess, type HeadlessProcess } from "../helpers/headless-process.js";
import { requestTask, scoreWhenRevealed, taskCallsFrom, type DevnetView } from "./devnet-tasks.js";
import { waitFor } from "./miner-harness.js";

// The fault matrix's "anvil SIGKILL": the headless miner's embedded chain is killed from outside.
let dir: string;
let miner: HeadlessProcess | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-anvil-kill-"));
});
afterAll(async () => {
  await miner?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function status(m: HeadlessProcess): Promise<AppSnapshot> {
  const res = await fetch(`http://127.0.0.1:${m.ready.port}${headlessPaths.status}`);
  return SnapshotMessage.parse(await res.json()).snapshot;
}

describe("the embedded devnet's anvil killed under a headless miner", () => {
  it("shows mining degraded while the devnet restarts, mines again within 30 s, and is paid for the next task, each action sent once", async () => {
    miner = await launchHeadlessProcess({
      args: ["--data-dir", path.join(dir, "data"), "--threads", "1", "--chain-only"],
      env: { [PASSWORD_ENV]: "correct horse battery" },
    });
    const m = miner;
    expect((await status(m)).mining.state).toBe("mining");
    const token = new URL(m.ready.dashboardUrl).hash.replace(/^#token=/, "");
    const frames: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${m.ready.port}${headlessPaths.events}?token=${token}`);
    ws.on("message", (data) => frames.push(String(data)));
    await new Promise((r) => ws.once("open", r));

    // anvil saves its state every STATE_DUMP_INTERVAL_S: kill it only once a save holds the miner's
    // registration (made before the ready line), or the restored chain would not know the miner.
    const readyAt = Date.now();
    const stateFile = chainStateFile(path.join(dir, "data", "devnet"));
    await waitFor(
      "anvil to save its state after the miner registered",
      async () => ((await stat(stateFile).catch(() => undefined))?.mtimeMs ?? 0) > readyAt,
      20_000,
    );
    const chain = m.ready.processes!.find((p) => p.name === "chain")!;
    process.kill(chain.pid, "SIGKILL");
    const killedAt = performance.now();
    await waitFor(
      "the miner to show the devnet restarting",
      () => frames.some((f) => f.includes('"degraded"') && f.includes("local network restarting")),
      20_000,
    );
    await waitFor("mining again", async () => (await status(m)).mining.state === "mining", 30_000);
    expect(performance.now() - killedAt).toBeLessThan(30_000);
    ws.close();

    const info = DevnetInfo.parse(JSON.parse(await readFile(deploymentFile(path.join(dir, "data", "devnet")), "utf8")));
    const provider = createProvider(info.rpcUrl, { chainId: info.chainId });
    try {
      const net: DevnetView = { deployment: info, devAccounts: info.accounts, provider };
      const taskId = await requestTask(net, m.ready.modelId!);
      await scoreWhenRevealed(net, taskId, m.ready.address!);
      await waitFor(
        `task ${taskId} to reach End with a reward`,
        async () =>
          (await status(m)).tasks.some(
            (t) => t.id === `${taskId}#0` && t.stage === "End" && BigInt(t.rewardWei ?? "0") > 0n,
          ),
        30_000,
      );
      const { calls } = await taskCallsFrom(net, m.ready.address!, info.deployedAtBlock);
      expect(
        [...calls.entries()].filter(([key]) => key.endsWith(`:${taskId}`)).map(([key, n]) => [key.split(":")[0], n]),
      ).toEqual([
        ["ack", 1],
        ["precommit", 1],
        ["reveal", 1],
      ]);
    } finally {
      provider.destroy();
    }
  }, 240_000);
});
