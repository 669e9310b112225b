import { describe, expect, it } from "vitest";
import type { ParentChannel } from "../../src-shared/parent-channel.js";
import { waitForExit } from "../../src-main/devnet/pid.js";
import { relayedWorkerSpawner, serveWorkerRelay } from "../../src-main/devnet/peer-worker-relay.js";
import { nodeForkLauncher, type ChildExit, type LaunchedChild } from "../../src-main/runtime/launcher.js";
import { runtimeFiles } from "../../src-main/runtime/runtime-files.js";
import { WorkerSupervisor } from "../../src-main/worker/supervisor.js";

/**
 * A peer whose worker its parent starts (as inside the Electron app, where only main can start a
 * utility process): the peer and parent ends of the relay joined in memory, the worker a real
 * process started by the parent's launcher. No model needed.
 */
function joinedPeer(): { channel: ParentChannel; peer: LaunchedChild; endPeer(): void } {
  const toPeer: Array<(m: unknown) => void> = [];
  const toParent: Array<(m: unknown) => void> = [];
  const exits: Array<(e: ChildExit) => void> = [];
  const structured = (m: unknown) => structuredClone(m);
  const channel: ParentChannel = {
    kind: "fork",
    send: (m) => setImmediate(() => toParent.forEach((h) => h(structured(m)))),
    onMessage: (h) => toPeer.push(h),
    onParentGone: () => undefined,
  };
  const peer: LaunchedChild = {
    pid: process.pid,
    send: (m) => setImmediate(() => toPeer.forEach((h) => h(structured(m)))),
    onMessage: (h) => toParent.push(h),
    onExit: (h) => exits.push(h),
    onStderr: () => undefined,
    kill: () => undefined,
  };
  return { channel, peer, endPeer: () => exits.forEach((h) => h({ code: 0, signal: null })) };
}

describe("peer worker relay", () => {
  it("runs the peer's worker through its parent: calls, a crash and restart, and the worker ends with the peer", async () => {
    const { channel, peer, endPeer } = joinedPeer();
    serveWorkerRelay(peer, nodeForkLauncher, runtimeFiles().workerEntry, "relayed worker");
    const supervisor = new WorkerSupervisor({ spawner: relayedWorkerSpawner(channel), restartInitialDelayMs: 10 });
    await supervisor.start();
    const first = supervisor.pid;
    expect(first).toBeGreaterThan(0);
    expect(await supervisor.call("unloadModel", {})).toEqual({ unloaded: false });

    const restarted = new Promise<{ pid: number }>((resolve) => supervisor.once("restarted", resolve));
    process.kill(first as number, "SIGKILL");
    const { pid: second } = await restarted;
    expect(second).not.toBe(first);
    expect(await supervisor.call("unloadModel", {})).toEqual({ unloaded: false });

    endPeer();
    expect(await waitForExit(second, 10_000)).toBe(true);
    await supervisor.stop();
  }, 60_000);
});
