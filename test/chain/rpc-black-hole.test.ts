import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../../src-main/chain/provider.js";
import { verifyNetwork } from "../../src-main/chain/verify-network.js";
import { PASSWORD_ENV } from "../../src-main/wallet/password-source.js";
import { startTcpBlackHole } from "./tcp-proxy.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const deployment = {
  chainId: 31337,
  version: 1,
  deployedAtBlock: 1,
  contracts: { token: ADDRESS, nodePool: ADDRESS, tasks: ADDRESS, incentivePool: ADDRESS },
};

let hole: Awaited<ReturnType<typeof startTcpBlackHole>>;
let dir: string;
beforeAll(async () => {
  hole = await startTcpBlackHole();
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-black-hole-"));
});
afterAll(async () => {
  await hole?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an RPC that accepts connections and never answers", () => {
  it("fails each call with TIMEOUT, and the network check says so", async () => {
    const provider = createProvider(hole.url, { chainId: 31337, timeoutMs: 300 });
    try {
      await expect(provider.getBlockNumber()).rejects.toMatchObject({ code: "TIMEOUT" });
      await expect(verifyNetwork(provider, deployment, hole.url)).rejects.toMatchObject({
        code: "CHAIN_ERROR",
        message: expect.stringMatching(/accepts connections but did not answer within/),
      });
      expect(hole.accepted()).toBeGreaterThan(0);
    } finally {
      provider.destroy();
    }
  });

  it("makes `pouw-miner headless --network` say so and exit within 15 s of connecting", async () => {
    const file = path.join(dir, "hung.json");
    await writeFile(file, JSON.stringify({ ...deployment, rpcUrl: hole.url }));
    const env = { ...process.env };
    delete env[PASSWORD_ENV]; // set-up mode: no wallet to create, straight to the network
    const child = spawn(
      process.execPath,
      [
        "bin/pouw-miner.js",
        "headless",
        "--network",
        file,
        "--data-dir",
        path.join(dir, "data"),
        "--setup-in-browser",
        "--json",
      ],
      {
        cwd: repoRoot,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let connectingAt: number | undefined;
    let last: { type?: string; error?: { message?: string } } = {};
    for await (const line of createInterface({ input: child.stdout })) {
      const msg = JSON.parse(line) as { type?: string; reason?: string; error?: { message?: string } };
      if (msg.reason?.startsWith("Connecting to the network")) connectingAt = performance.now();
      last = msg;
    }
    const code = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve),
    );
    const failedAt = performance.now();
    expect(connectingAt, stderr).toBeDefined();
    expect(code).toBe(1);
    expect(last).toMatchObject({
      type: "error",
      error: { message: expect.stringMatching(/cannot reach the network at .* did not answer within 10 s/) },
    });
    expect(failedAt - connectingAt!).toBeLessThan(15_000);
  }, 120_000);
});
