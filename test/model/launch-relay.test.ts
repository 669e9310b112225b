import { describe, expect, it } from "vitest";
import type { ParentChannel } from "../../src-shared/node/parent-channel.js";
import { waitForExit } from "../../src-network/devnet/pid.js";
import { relayedLauncher, relayingLauncher, serveLaunchRelay } from "../../src-main/runtime/launch-relay.js";
import { nodeForkLauncher, type ChildExit, type LaunchedChild } from "../../src-main/runtime/launcher.js";
import { workerSpawner } from "../../src-main/worker-client/spawn.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";

/**
 * A child (a peer, the network host) whose own children its parent starts (as inside the Electron app, where only main can start a
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

describe("launch relay", () => {
  it("runs a child's worker through its parent: calls, a crash and restart, and the worker ends with the child", async () => {
    const { channel, peer, endPeer } = joinedPeer();
    serveLaunchRelay(peer, relayingLauncher(nodeForkLauncher));
    const launcher = relayedLauncher(channel);
    const supervisor = new WorkerSupervisor({ spawner: workerSpawner({ launcher }), restartInitialDelayMs: 10 });
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

  it("starts only the runtime registry's entries for a child", async () => {
    const { channel, peer } = joinedPeer();
    serveLaunchRelay(peer, nodeForkLauncher);
    const child = relayedLauncher(channel).launch("/tmp/anything.js", { serviceName: "not ours" });
    const lines: string[] = [];
    child.onStderr((l) => lines.push(l));
    const exit = await new Promise<ChildExit>((resolve) => child.onExit(resolve));
    expect(exit.code).toBe(1);
    expect(child.pid).toBeUndefined();
    expect(lines.join("\n")).toContain("not an entry of the runtime registry");
  });
});
