import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { readTask } from "../../src-main/chain/task-views.js";
import { deploymentFile } from "../../src-network/devnet/devnet.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { SnapshotMessage, type AppSnapshot, type TaskSummary } from "../../src-shared/app-contract.js";
import { DevnetInfo } from "../../src-shared/devnet-info.js";
import { headlessPaths } from "../../src-shared/headless-protocol.js";
import { groupMembers, launchHeadlessProcess, type HeadlessProcess } from "../helpers/headless-process.js";
import { waitFor } from "./miner-harness.js";

// The embedded devnet's whole point: a first launch with nothing but a password sees a task of its
// own reach End with a reward, brought by the devnet's own services (background demand, peers,
// oracle). The test requests nothing and scores nothing.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
let miner: HeadlessProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-services-"));
});
afterAll(async () => {
  await miner?.stop(5_000);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function status(m: HeadlessProcess): Promise<AppSnapshot> {
  const res = await fetch(`http://127.0.0.1:${m.ready.port}${headlessPaths.status}`);
  return SnapshotMessage.parse(await res.json()).snapshot;
}

const paidEnd = (s: AppSnapshot): TaskSummary | undefined =>
  s.tasks.find((t) => t.stage === "End" && BigInt(t.rewardWei ?? "0") > 0n);

describe("pouw-miner headless on a fresh embedded devnet, default services", () => {
  it("runs oracle, peers and router beside the miner, and a task of its own reaches End with a reward unasked", async () => {
    const t0 = performance.now();
    miner = await launchHeadlessProcess({
      args: ["--data-dir", path.join(dir, "data"), "--threads", "1"],
      env: { [PASSWORD_ENV]: "correct horse battery" },
    });
    const { ready } = miner;
    expect((ready.processes ?? []).map((p) => p.name).sort()).toEqual([
      "chain",
      "network host",
      "peer-1",
      "peer-2",
      "worker",
    ]);

    let ended: TaskSummary | undefined;
    await waitFor(
      "a task of this miner to reach End with a reward",
      async () => (ended = paidEnd(await status(miner!))) !== undefined,
      90_000,
    );
    console.log(
      `headless-services: task ${ended!.id} seen at End ${((performance.now() - t0) / 1000).toFixed(1)} s after the spawn (ready after ${(miner.startMs / 1000).toFixed(1)} s)`,
    );
    expect(ended!.kind).toBe("background");

    // On chain: the incentive pool asked for it (not this test), and the reward is owed to the miner.
    const provider = createProvider(ready.rpcUrl!, { chainId: ready.chainId! });
    try {
      const deployment = DevnetInfo.parse(
        JSON.parse(await readFile(deploymentFile(path.join(dir, "data", "devnet")), "utf8")),
      );
      expect(deployment.peers).toBe(2);
      expect(deployment.routerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const c = connectProtocol(deployment, provider);
      const task = await readTask(c.tasks, BigInt(ended!.id.split("#")[0]!));
      expect(task.requester.toLowerCase()).toBe(deployment.contracts.incentivePool.toLowerCase());
      expect(task.state).toBe("End");
      expect(await c.tasks.read("owed", ready.address!)).toBeGreaterThanOrEqual(BigInt(ended!.rewardWei!));
    } finally {
      provider.destroy();
    }
  }, 240_000);

  it("stops the devnet services with it on SIGINT: exit 0, no peer, worker or anvil left", async () => {
    const children = miner!.ready.processes ?? [];
    const group = groupMembers(miner!.child.pid!).map((m) => m.pid);
    for (const c of children) expect(group).toContain(c.pid);
    // Beside the listed children: the peers' own workers and the oracle's worker.
    expect(group.length).toBeGreaterThanOrEqual(children.length + 4);
    expect(await miner!.stop()).toEqual({ code: 0, signal: null, leftovers: [] });
  });

  it("takes --peers and --chain-only for the embedded devnet only, with a one-line usage error otherwise", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["bin/pouw-miner.js", "headless", ...args], {
        cwd: repoRoot,
        encoding: "utf8",
        env: { ...process.env, [PASSWORD_ENV]: "x" },
      });
    const both = run(["--chain-only", "--peers", "1", "--data-dir", path.join(dir, "usage")]);
    expect(both.stderr).toBe("pouw-miner: --peers does not apply with --chain-only\n");
    expect(both.status).toBe(2);
    const remote = run(["--network", path.join(dir, "elsewhere.json"), "--peers", "1"]);
    expect(remote.stderr).toBe(
      "pouw-miner: --peers and --chain-only only apply to the embedded devnet (--network devnet)\n",
    );
    expect(remote.status).toBe(2);
  });
});
