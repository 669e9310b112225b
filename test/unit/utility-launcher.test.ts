import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { utilityLauncher, type UtilityProcessLike } from "../../src-main/runtime/launcher.js";
import { workerSpawner } from "../../src-main/worker-client/spawn.js";

/** Stands in for Electron's UtilityProcess: answers like a worker, dies when told. */
class FakeUtility extends EventEmitter implements UtilityProcessLike {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  killed = 0;
  constructor() {
    super();
    setTimeout(() => this.emit("message", { kind: "ready", protocol: 1, pid: this.pid }), 1);
  }
  postMessage(message: unknown): void {
    const m = message as { kind: string; id: number; method: string };
    if (m.kind === "request" && m.method === "unloadModel") {
      setTimeout(() => this.emit("message", { kind: "response", id: m.id, ok: true, result: { unloaded: false } }), 1);
    }
    if (m.kind === "request" && m.method === "embed") {
      this.stderr.write("Fatal: out of memory\n");
      setTimeout(() => this.emit("exit", 134), 5);
    }
  }
  kill(): boolean {
    this.killed++;
    setTimeout(() => this.emit("exit", 0), 1);
    return true;
  }
}

describe("Electron utilityProcess spawner", () => {
  it("lets the supervisor start, call, see a crash with its reason, and stop, through the injected fork", async () => {
    const spawned: Array<{ path: string; child: FakeUtility }> = [];
    const launcher = utilityLauncher((modulePath) => {
      const child = new FakeUtility();
      spawned.push({ path: modulePath, child });
      return child;
    });
    expect(launcher.nested).toBe(false);
    const spawner = workerSpawner({ launcher, entry: "/app/dist/worker/main.js" });
    const s = new WorkerSupervisor({ spawner, restartInitialDelayMs: 5 });
    await s.start();
    expect(spawned[0]?.path).toBe("/app/dist/worker/main.js");
    expect(await s.call("unloadModel", {})).toEqual({ unloaded: false });
    await expect(s.call("embed", { texts: ["x"] })).rejects.toMatchObject({
      code: "WORKER_CRASHED",
      message: expect.stringMatching(/out of memory \(exited with code 134\)/),
    });
    await new Promise<void>((resolve) => s.once("restarted", () => resolve()));
    expect(spawned).toHaveLength(2);
    await s.stop();
    expect(spawned[1]?.child.killed).toBe(1);
  });
});
