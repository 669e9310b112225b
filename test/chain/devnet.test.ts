import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther } from "ethers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { chainStateFile } from "../../src-network/devnet/chain-service.js";
import { DEV_TOKEN_GRANT } from "../../src-network/devnet/dev-accounts.js";
import { startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { lockPath } from "../../src-network/devnet/lock.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { Deployment } from "../../src-shared/deployment.js";
import { DevnetInfo, type DevAccountRole } from "../../src-shared/devnet-info.js";
import type { Progress } from "../../src-shared/progress.js";

// The CLI end to end (ready line, signals, orphans) is in devnet-cli.test.ts.
let dataDir: string;
let teardown: AbortController;
const running: RunningDevnet[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-devnet-"));
  teardown = new AbortController();
});
afterEach(async () => {
  // A start-up still in flight (a test that timed out) stops and ends its anvil on abort.
  teardown.abort();
  for (const d of running.splice(0)) await d.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function devnet(): Promise<RunningDevnet & { progress: Progress[] }> {
  const progress: Progress[] = [];
  const d = await startDevnet({ dataDir, signal: teardown.signal, onProgress: (p) => progress.push(p) });
  running.push(d);
  return Object.assign(d, { progress });
}

async function stop(d: RunningDevnet): Promise<void> {
  await d.stop();
  running.splice(running.indexOf(d), 1);
}

function account(info: DevnetInfo, role: DevAccountRole, nth = 0) {
  const a = info.accounts.filter((x) => x.role === role)[nth];
  if (!a) throw new Error(`no ${role} #${nth}`);
  return a;
}

const LockPids = z.object({ services: z.array(z.object({ pid: z.number() })) });

function chainPid(d: RunningDevnet): number {
  const pid = d.services().find((s) => s.name === "chain")?.pid;
  if (typeof pid !== "number") throw new Error("no chain service pid");
  return pid;
}

describe("devnet", () => {
  it("starts from nothing; restarts reuse the deployment and keep balances and history, even past a torn state file", async () => {
    const first = await devnet();
    const info = DevnetInfo.parse(first.info);
    expect(first.deployed).toBe(true);
    expect([...new Set(first.progress.map((p) => p.stage))]).toEqual(["chain", "deploy", "fund", "ready"]);
    expect(info.routerUrl).toBeNull();
    expect(info.peers).toBe(0);
    const written: unknown = JSON.parse(await readFile(path.join(dataDir, "deployment.json"), "utf8"));
    expect(DevnetInfo.parse(written)).toEqual(info);
    expect(Deployment.parse(written).contracts).toEqual(info.contracts);

    const provider = createProvider(info.rpcUrl, { chainId: info.chainId });
    try {
      for (const address of Object.values(info.contracts)) expect(await provider.getCode(address)).not.toBe("0x");
      const requester = new Wallet(account(info, "requester").privateKey, provider);
      const spare = account(info, "spare");
      const c = connectProtocol(info, requester);
      expect(await c.token.read("balanceOf", spare.address)).toBe(DEV_TOKEN_GRANT);
      await c.token.send("transfer", spare.address, parseEther("123"));
      await (await requester.sendTransaction({ to: spare.address, value: parseEther("1") })).wait();
    } finally {
      provider.destroy();
    }
    const spareEth = await balanceOf(info, account(info, "spare").address);
    const pid1 = chainPid(first);
    await stop(first);
    expect(pidAlive(pid1)).toBe(false);
    expect(existsSync(lockPath(dataDir))).toBe(false);

    const second = await devnet();
    expect(second.deployed).toBe(false);
    expect(second.progress.some((p) => p.stage === "deploy" && /reusing/.test(p.message ?? ""))).toBe(true);
    expect(second.info.contracts).toEqual(info.contracts);
    expect(second.info.deployedAtBlock).toBe(info.deployedAtBlock);
    // Last run's port was free again, so wallets pointed at the devnet keep working.
    expect(second.info.rpcUrl).toBe(info.rpcUrl);
    const p2 = createProvider(second.info.rpcUrl, { chainId: second.info.chainId });
    try {
      const c = connectProtocol(second.info, p2);
      const spare = account(second.info, "spare").address;
      expect(await c.token.read("balanceOf", spare)).toBe(DEV_TOKEN_GRANT + parseEther("123"));
      expect(await p2.getBalance(spare)).toBe(spareEth);
      // History survives too: the first run's token transfers are still in the logs.
      const logs = await c.token.contract.queryFilter(c.token.contract.filters.Transfer!(), info.deployedAtBlock);
      expect(logs.length).toBeGreaterThanOrEqual(info.accounts.length);
    } finally {
      p2.destroy();
    }

    // A devnet killed while anvil rewrites its state leaves the file torn: the copy taken at this
    // start comes back, so the deployment and the first run's balances survive.
    await stop(second);
    const state = await readFile(chainStateFile(dataDir), "utf8");
    await writeFile(chainStateFile(dataDir), state.slice(0, state.length / 2));
    const third = await devnet();
    expect(
      third.progress.some((p) => /damaged .*restored the copy from the previous start/.test(p.message ?? "")),
    ).toBe(true);
    expect(third.deployed).toBe(false);
    const p3 = createProvider(third.info.rpcUrl, { chainId: third.info.chainId });
    try {
      const c = connectProtocol(third.info, p3);
      expect(await c.token.read("balanceOf", account(third.info, "spare").address)).toBe(
        DEV_TOKEN_GRANT + parseEther("123"),
      );
    } finally {
      p3.destroy();
    }
  });

  it("refuses a second devnet on the same data folder with one clear line", async () => {
    const first = await devnet();
    const err = await startDevnet({ dataDir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "ALREADY_RUNNING" });
    const message = (err as Error).message;
    expect(message).toContain(`pid ${process.pid}`);
    expect(message.split("\n")).toHaveLength(1);
    // The first one is untouched.
    expect(await blockNumber(first.info.rpcUrl)).toBeGreaterThan(0);
    expect(existsSync(lockPath(dataDir))).toBe(true);
  });

  it("refuses a port that is taken instead of deploying to whatever listens there", async () => {
    const squatter = net.createServer().listen(0, "127.0.0.1");
    await once(squatter, "listening");
    try {
      const port = (squatter.address() as net.AddressInfo).port;
      await expect(startDevnet({ dataDir, port })).rejects.toMatchObject({
        code: "INVALID_PARAMS",
        message: `port ${port} on 127.0.0.1 is already in use; choose another port or leave it out`,
      });
      expect(existsSync(lockPath(dataDir))).toBe(false);
      expect(existsSync(path.join(dataDir, "deployment.json"))).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it("gives up a start-up in progress when stopped, leaving no anvil and no lock", async () => {
    const stopper = new AbortController();
    let anvil: number | undefined;
    const started = startDevnet({
      dataDir,
      signal: stopper.signal,
      onProgress: (p) => {
        if (/^anvil listening/.test(p.message ?? ""))
          anvil = LockPids.parse(JSON.parse(readFileSync(lockPath(dataDir), "utf8"))).services[0]?.pid;
        if (/^deploying the contracts/.test(p.message ?? "")) stopper.abort();
      },
    });
    await expect(started).rejects.toMatchObject({ code: "CANCELLED" });
    expect(anvil).toBeTypeOf("number");
    expect(pidAlive(anvil!)).toBe(false);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it("takes over a lock left by a dead process", async () => {
    const deadPid = await exitedPid();
    await writeFile(
      lockPath(dataDir),
      JSON.stringify({ pid: deadPid, startedAt: new Date().toISOString(), services: [] }),
    );
    const d = await devnet();
    const lock = JSON.parse(await readFile(lockPath(dataDir), "utf8")) as {
      pid: number;
      services: Array<{ pid: number }>;
    };
    expect(lock.pid).toBe(process.pid);
    expect(lock.services.map((s) => s.pid)).toEqual([chainPid(d)]);
  });

  it("redeploys when the chain state behind deployment.json is gone", async () => {
    const first = await devnet();
    await stop(first);
    await rm(chainStateFile(dataDir));
    const second = await devnet();
    expect(second.deployed).toBe(true);
    expect(second.progress.some((p) => /no contract code/.test(p.message ?? ""))).toBe(true);
    expect(await blockNumber(second.info.rpcUrl)).toBeGreaterThan(0);
  });

  it("keeps what anvil dumped when anvil itself is killed, and reports its death", async () => {
    const first = await devnet();
    const provider = createProvider(first.info.rpcUrl, { chainId: first.info.chainId });
    let block: number;
    try {
      const c = connectProtocol(first.info, new Wallet(account(first.info, "requester").privateKey, provider));
      block = (await c.token.send("transfer", account(first.info, "spare", 1).address, parseEther("7"))).blockNumber;
    } finally {
      provider.destroy();
    }
    await dumpedThrough(block);
    process.kill(chainPid(first), "SIGKILL");
    expect(await first.failed).toEqual({ name: "chain", message: "chain exited unexpectedly" });
    await stop(first);

    const second = await devnet();
    expect(second.deployed).toBe(false);
    const p2 = createProvider(second.info.rpcUrl, { chainId: second.info.chainId });
    try {
      const c = connectProtocol(second.info, p2);
      expect(await c.token.read("balanceOf", account(second.info, "spare", 1).address)).toBe(
        DEV_TOKEN_GRANT + parseEther("7"),
      );
    } finally {
      p2.destroy();
    }
  });
});

async function balanceOf(info: DevnetInfo, address: string): Promise<bigint> {
  const p = createProvider(info.rpcUrl, { chainId: info.chainId });
  try {
    return await p.getBalance(address);
  } finally {
    p.destroy();
  }
}

async function blockNumber(rpcUrl: string): Promise<number> {
  const p = createProvider(rpcUrl);
  try {
    return await p.getBlockNumber();
  } finally {
    p.destroy();
  }
}

/** The PID of a process that has already exited, as a killed devnet's lock would hold. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  if (child.pid === undefined) throw new Error("no pid");
  return child.pid;
}

/** Waits until anvil's periodic dump covers `block` (it writes every STATE_DUMP_INTERVAL_S). */
async function dumpedThrough(block: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const text = await readFile(chainStateFile(dataDir), "utf8").catch(() => "");
    try {
      if (Number((JSON.parse(text) as { best_block_number?: unknown }).best_block_number) >= block) return;
    } catch {
      // caught mid-write; try again
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`anvil never dumped block ${block}`);
}
