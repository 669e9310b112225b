import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNetwork, type OpenedNetwork } from "../../src-main/session/open-network.js";
import type { DevnetHealth } from "../../src-main/session/devnet-supervisor.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { waitFor } from "./miner-harness.js";

let dir: string;
let net: OpenedNetwork | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-devnet-supervise-"));
});
afterAll(async () => {
  await net?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the app's embedded devnet", () => {
  it("is restarted on the same port and deployment when anvil is killed, its health saying so meanwhile", async () => {
    const logs: string[] = [];
    net = await openNetwork({ dataDir: dir, network: "devnet", devnetServices: false, onLog: (l) => logs.push(l) });
    const seen: DevnetHealth["state"][] = [];
    net.onDevnetHealth((h) => seen.push(h.state));
    const anvil = net.services().find((s) => s.name === "chain");
    expect(anvil).toBeDefined();
    const blockBefore = await net.provider.getBlockNumber();

    process.kill(anvil!.pid, "SIGKILL");
    await waitFor("the devnet to notice", () => seen.includes("restarting"), 30_000);
    await waitFor("the devnet to run again", () => net!.devnetHealth().state === "up", 60_000);

    expect(net.devnetHealth()).toEqual({ state: "up", restarts: 1 });
    const again = net.services().find((s) => s.name === "chain");
    expect(again?.pid).not.toBe(anvil!.pid);
    expect(pidAlive(again!.pid)).toBe(true);
    // The same provider (same URL) reaches the restarted chain, with the deployment still there.
    expect(await net.provider.getBlockNumber()).toBeGreaterThanOrEqual(Math.min(blockBefore, 1));
    expect(await net.provider.getCode(net.deployment.contracts.tasks)).not.toBe("0x");
    expect(logs).toContainEqual(expect.stringMatching(/chain exited unexpectedly; restarting it/));
    expect(logs).toContainEqual(expect.stringMatching(/devnet: running again \(restart 1/));
  }, 120_000);
});
