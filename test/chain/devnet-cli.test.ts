import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startDevnet, type RunningDevnet } from "../../src-network/devnet/devnet.js";
import { lockPath } from "../../src-network/devnet/lock.js";
import { pidAlive } from "../../src-network/devnet/pid.js";
import { DevnetInfo } from "../../src-shared/devnet-info.js";
import type { Progress } from "../../src-shared/progress.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let dataDir: string;
let teardown: AbortController;
const children: ChildProcess[] = [];
const running: RunningDevnet[] = [];
/** anvil processes a test saw started; ended in teardown if a failed test left one behind. */
const anvils: number[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pouw-devnet-cli-"));
  teardown = new AbortController();
});
afterEach(async () => {
  teardown.abort();
  for (const c of children.splice(0)) await endChild(c);
  for (const d of running.splice(0)) await d.stop();
  for (const pid of anvils.splice(0)) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

/** What `process.kill(pid, 0)` says: gone means ESRCH, the process table has no such entry. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

const ServiceList = z.array(z.object({ name: z.string(), pid: z.number().nullable() }));

function anvilPid(services: unknown): number {
  const pid = ServiceList.parse(services).find((s) => s.name === "chain")?.pid;
  if (typeof pid !== "number") throw new Error("no chain service pid");
  anvils.push(pid);
  return pid;
}

describe("pouw-miner devnet (CLI)", () => {
  it("runs from the CLI, prints the ready line, and stops every child on SIGTERM", async () => {
    const cli = spawnDevnetCli(["--json", "--data-dir", dataDir, "--peers", "2"]);
    let stderr = "";
    cli.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const ready = await readyLine(cli);
    expect(ready.peers).toBe(2);
    expect(stderr).toBe("");
    for (const key of ["rpcUrl", "wsUrl", "chainId", "contracts", "routerUrl", "dataDir", "accounts"])
      expect(ready).toHaveProperty(key);
    const info = DevnetInfo.parse(ready);
    expect(DevnetInfo.parse(JSON.parse(await readFile(path.join(dataDir, "deployment.json"), "utf8")))).toEqual(info);
    expect(info.routerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const pid = anvilPid(ready.services);
    const peers = ServiceList.parse(ready.services)
      .filter((s) => s.name.startsWith("peer-"))
      .map((s) => s.pid!);
    expect(peers).toHaveLength(2);
    for (const p of [pid, ...peers]) expect(isGone(p)).toBe(false);

    const exit = exited(cli);
    process.kill(pidOf(cli), "SIGTERM");
    expect(await exit).toBe(0);
    for (const p of [pid, ...peers]) expect(isGone(p)).toBe(true);
    if (process.platform === "linux") expect(await processesMentioning(dataDir)).toEqual([]);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it("stops cleanly when signalled before it is ready", async () => {
    const cli = spawnDevnetCli(["--json", "--data-dir", dataDir]);
    await firstLine(cli);
    const exit = exited(cli);
    process.kill(pidOf(cli), "SIGTERM");
    expect(await exit).toBe(0);
    expect(existsSync(lockPath(dataDir))).toBe(false);
    if (process.platform === "linux") expect(await processesMentioning(dataDir)).toEqual([]);
  });

  it("recovers from a killed devnet: ends its orphaned anvil and keeps the deployment; its peer ends by itself", async () => {
    const cli = spawnDevnetCli(["--json", "--data-dir", dataDir, "--peers", "1"]);
    const line = await readyLine(cli);
    const ready = DevnetInfo.parse(line);
    const orphan = anvilPid(line.services);
    const peer = ServiceList.parse(line.services).find((s) => s.name === "peer-1")!.pid!;
    const exit = exited(cli);
    process.kill(pidOf(cli), "SIGKILL");
    await exit;

    const progress: Progress[] = [];
    const d = await startDevnet({ dataDir, signal: teardown.signal, onProgress: (p) => progress.push(p) });
    running.push(d);
    expect(progress.some((p) => /left running by a devnet that was killed/.test(p.message ?? ""))).toBe(true);
    // The orphan's new parent (init) may take a while to reap it; exited is what counts.
    expect(pidAlive(orphan)).toBe(false);
    // A peer whose devnet died sees its IPC channel close and stops (or the takeover ends it).
    expect(pidAlive(peer)).toBe(false);
    expect(d.deployed).toBe(false);
    expect(d.info.contracts).toEqual(ready.contracts);
  });
});

function spawnDevnetCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ["bin/pouw-miner.js", "devnet", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error("the CLI did not start");
  return child.pid;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** The `{"type":"result"}` line of `devnet --json`; fails with the CLI's stderr if it never comes. */
async function readyLine(child: ChildProcess): Promise<Record<string, unknown>> {
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const gone = exited(child).then((code) => {
    throw new Error(`devnet exited (${code}) before it was ready: ${stderr}`);
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = (async () => {
    for await (const line of lines) {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (msg.type === "result") return msg;
      if (msg.type === "error") throw new Error(`devnet failed: ${line}`);
    }
    throw new Error(`devnet closed stdout before it was ready: ${stderr}`);
  })();
  return Promise.race([ready, gone]);
}

async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exit = exited(child);
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(
    () => child.pid !== undefined && !isGone(child.pid) && process.kill(child.pid, "SIGKILL"),
    5000,
  );
  await exit;
  clearTimeout(timer);
}

/** Resolves at the CLI's first stdout line (its first progress event). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`devnet exited (${code}) before printing anything`)));
  });
}

/** PIDs whose command line names `text` (Linux): what a leaked anvil for this data folder would show. */
async function processesMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text) && pidAlive(Number(entry))) found.push(Number(entry));
  }
  return found;
}
