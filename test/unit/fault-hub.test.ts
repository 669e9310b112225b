import { describe, expect, it } from "vitest";
import type { AppSnapshot, PatchMessage } from "../../src-shared/app-contract.js";
import { FaultHub } from "../../src-main/session/fault-hub.js";

const base: AppSnapshot = {
  appVersion: "0.0.0-test",
  mining: { state: "stopped", reason: "not started" },
  network: { name: "devnet", connected: true },
  tasks: [],
  earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
  settings: {} as AppSnapshot["settings"],
};

describe("FaultHub: the mining state tells the truth", () => {
  it("shows a working miner as degraded with every standing fault, while its parts still see what they set", () => {
    const hub = new FaultHub(base);
    const patches: PatchMessage[] = [];
    hub.subscribe((p) => patches.push(p));
    hub.update((s) => ({ ...s, mining: { state: "mining", reason: "Serving m" } }));
    hub.chainReached(false, new Date(2026, 11, 3, 12, 3).getTime());
    expect(hub.message().snapshot.mining).toEqual({ state: "degraded", reason: "chain unreachable since 12:03" });
    expect(hub.current().mining).toEqual({ state: "mining", reason: "Serving m" });

    // Still failing a minute later: the reason keeps the time it began.
    hub.chainReached(false, new Date(2026, 11, 3, 12, 4).getTime());
    hub.setFault("disk", "disk full: records not saved since 12:04");
    expect(hub.message().snapshot.mining).toEqual({
      state: "degraded",
      reason: "chain unreachable since 12:03; disk full: records not saved since 12:04",
    });

    // The gate pausing and resuming goes on underneath.
    hub.update((s) => ({ ...s, mining: { state: "paused", reason: "on battery" } }));
    expect(hub.current().mining.state).toBe("paused");
    expect(hub.message().snapshot.mining.state).toBe("degraded");

    hub.chainReached(true);
    hub.setFault("disk", undefined);
    expect(hub.message().snapshot.mining).toEqual({ state: "paused", reason: "on battery" });
    // Every change reached the clients as a patch of the shown state.
    expect(
      patches.some((p) => p.ops.some((op) => op.path.startsWith("/mining") && JSON.stringify(op).includes("degraded"))),
    ).toBe(true);
  });

  it("leaves a stopped or failed miner as it is: nothing is claimed to be working", () => {
    const hub = new FaultHub(base);
    hub.chainReached(false);
    expect(hub.message().snapshot.mining.state).toBe("stopped");
    hub.update((s) => ({ ...s, mining: { state: "error", reason: "could not start" } }));
    expect(hub.message().snapshot.mining).toEqual({ state: "error", reason: "could not start" });
    hub.update((s) => ({ ...s, mining: { state: "starting", reason: "Catching up" } }));
    expect(hub.message().snapshot.mining.state).toBe("degraded");
  });
});
