import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../src-main/chain/anvil.js";
import { acquireDevnetLock, lockPath } from "../../src-network/devnet/lock.js";
import { endOrphans } from "../../src-network/devnet/orphans.js";
import { pidAlive } from "../../src-network/devnet/pid.js";

let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-takeover-"));
});
afterEach(async () => {
  for (const c of children.splice(0))
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

/** A child node process; with `http`, it serves HTTP on 127.0.0.1 and resolves once listening. */
async function child(http: boolean): Promise<{ pid: number; url: string }> {
  const port = await freePort();
  const script = http
    ? `require("http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1", () => console.log("up"))`
    : `console.log("up"); setInterval(() => {}, 1000)`;
  const c = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(c);
  await new Promise((resolve) => createInterface({ input: c.stdout! }).once("line", resolve));
  if (c.pid === undefined) throw new Error("no pid");
  return { pid: c.pid, url: `http://127.0.0.1:${port}` };
}

async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => c.once("exit", resolve));
  return c.pid!;
}

describe("taking over from a killed devnet", () => {
  it("lets exactly one of two devnets racing for a stale lock win", async () => {
    const stale = { pid: await deadPid(), startedAt: "2020-01-01T00:00:00.000Z", services: [] };
    await writeFile(lockPath(dir), JSON.stringify(stale));
    const cleanedUp: unknown[] = [];
    const onStale = async (held: unknown) => void cleanedUp.push(held);
    const results = await Promise.allSettled([acquireDevnetLock(dir, onStale), acquireDevnetLock(dir, onStale)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: "ALREADY_RUNNING" });
    // The dead devnet's leftovers were dealt with before its lock went, whoever won.
    expect(cleanedUp.length).toBeGreaterThanOrEqual(1);
    for (const held of cleanedUp) expect(held).toEqual(stale);
    expect(JSON.parse(await readFile(lockPath(dir), "utf8"))).toMatchObject({ pid: process.pid });
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDevnetLock>>>).value;
    await winner.release();
  });

  it("ends an orphan that still answers where its lock said", async () => {
    const orphan = await child(true);
    expect(await endOrphans([{ name: "router", ...orphan }])).toEqual(["router"]);
    expect(pidAlive(orphan.pid)).toBe(false);
  });

  it("leaves alone a PID that no longer answers at the recorded URL (the OS reused it)", async () => {
    const stranger = await child(false);
    expect(await endOrphans([{ name: "chain", ...stranger }])).toEqual([]);
    expect(pidAlive(stranger.pid)).toBe(true);
  });
});
