import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ServiceGroup, type Service } from "../../src-network/devnet/services.js";

function fake(name: string, log: string[], opts: { exited?: Promise<unknown>; failStop?: boolean } = {}): Service {
  return {
    name,
    pid: undefined,
    url: undefined,
    ...(opts.exited ? { exited: opts.exited } : {}),
    async stop() {
      log.push(name);
      if (opts.failStop) throw new Error(`${name} would not stop`);
    },
  };
}

const settled = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

describe("devnet service group", () => {
  it("stops services last-started first, once, and refuses new ones after", async () => {
    const log: string[] = [];
    const group = new ServiceGroup();
    for (const name of ["chain", "oracle", "router"]) await group.start(async () => fake(name, log));
    expect(group.records().map((r) => r.name)).toEqual(["chain", "oracle", "router"]);
    await Promise.all([group.stop(), group.stop()]);
    expect(log).toEqual(["router", "oracle", "chain"]);
    await expect(group.start(async () => fake("late", log))).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("keeps stopping the rest when one fails to stop, and reports it in one line", async () => {
    const log: string[] = [];
    const group = new ServiceGroup();
    await group.start(async () => fake("chain", log));
    await group.start(async () => fake("oracle", log, { failStop: true }));
    const err = await group.stop().catch((e: unknown) => e as Error);
    expect(log).toEqual(["oracle", "chain"]);
    expect((err as Error).message).toMatch(
      /^some devnet services did not stop cleanly \(oracle: oracle would not stop\)$/,
    );
  });

  it("carries on without an expendable service (a peer miner) that ends, and says so", async () => {
    let end: () => void = () => {};
    const crash = new Promise<void>((r) => (end = r));
    const lost: string[] = [];
    const group = new ServiceGroup(1000, (name) => lost.push(name));
    await group.start(async () => ({ ...fake("peer-1", [], { exited: crash }), expendable: true }));
    end();
    await crash;
    await new Promise((r) => setImmediate(r));
    expect(lost).toEqual(["peer-1"]);
    expect(await settled(group.failed, 50)).toBe("pending");
    await group.stop();
  });

  it("reports a service that ends by itself, but not one it stopped", async () => {
    let end: () => void = () => {};
    const crash = new Promise<void>((r) => (end = r));
    const group = new ServiceGroup();
    await group.start(async () => fake("oracle", [], { exited: crash }));
    expect(await settled(group.failed, 50)).toBe("pending");
    end();
    expect(await group.failed).toEqual({ name: "oracle", message: "oracle exited unexpectedly" });

    let endQuiet: () => void = () => {};
    const quiet = new ServiceGroup();
    await quiet.start(async () => fake("chain", [], { exited: new Promise<void>((r) => (endQuiet = r)) }));
    await quiet.stop();
    endQuiet();
    expect(await settled(quiet.failed, 50)).toBe("pending");
  });

  it("notices a child process that dies, by its PID", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 300)"], { stdio: "ignore" });
    const group = new ServiceGroup(20);
    try {
      await group.start(async () => ({ name: "peer-1", pid: child.pid, url: undefined, stop: async () => {} }));
      expect(await settled(group.failed, 100)).toBe("pending");
      expect(await settled(group.failed, 5000)).toEqual({ name: "peer-1", message: "peer-1 exited unexpectedly" });
    } finally {
      await group.stop();
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }
  });
});
