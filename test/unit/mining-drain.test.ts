import { describe, expect, it } from "vitest";
import type { MiningStatus } from "../../src-shared/app-contract.js";
import { MiningDrain, type HeldTask } from "../../src-main/miner/mining-drain.js";
import type { ActionState, JournalRecord } from "../../src-main/tx/journal.js";
import {
  abandonedReason,
  drainingReason,
  gaveUpReason,
  lastNeededAt,
  owesSteps,
} from "../../src-main/miner/drain-plan.js";

const rec = (action: string, kind: JournalRecord["kind"], data: Record<string, unknown> = {}): JournalRecord => ({
  seq: 0,
  at: "2026-01-01T00:00:00Z",
  kind,
  taskId: "1",
  action,
  data,
});
/** The journal's latest record per action, from (action, kind) pairs in order. */
function actions(...pairs: Array<[string, JournalRecord["kind"]]>): ActionState[] {
  const byAction = new Map<string, ActionState>();
  for (const [action, kind] of pairs) {
    const state = byAction.get(action) ?? { taskId: "1", action };
    state[kind] = rec(action, kind, kind === "abandoned" ? { letGo: true } : {});
    byAction.set(action, state);
  }
  return [...byAction.values()];
}

describe("owesSteps: what a draining stop waits for", () => {
  it("a miner slot is in flight from its ack's intent until the task ends", () => {
    expect(owesSteps("miner", actions(["assigned", "confirmed"]))).toBe(false);
    expect(owesSteps("miner", actions(["assigned", "confirmed"], ["ack", "intent"]))).toBe(true);
    expect(
      owesSteps(
        "miner",
        actions(["ack", "intent"], ["ack", "confirmed"], ["output", "confirmed"], ["precommit", "intent"]),
      ),
    ).toBe(true);
    expect(
      owesSteps(
        "miner",
        actions(
          ["ack", "intent"],
          ["ack", "confirmed"],
          ["precommit", "confirmed"],
          ["reveal", "intent"],
          ["reveal", "confirmed"],
        ),
      ),
    ).toBe(true);
  });

  it("a declined or given-up miner slot owes nothing more", () => {
    expect(owesSteps("miner", actions(["assigned", "confirmed"], ["ack", "abandoned"]))).toBe(false);
    expect(owesSteps("miner", actions(["ack", "intent"], ["ack", "confirmed"], ["precommit", "abandoned"]))).toBe(
      false,
    );
    expect(owesSteps("miner", actions(["ack", "confirmed"], ["precommit", "confirmed"], ["reveal", "abandoned"]))).toBe(
      false,
    );
  });

  it("a creator is in flight until its prompt is mined or it gave up", () => {
    expect(owesSteps("creator", actions(["creator", "confirmed"]))).toBe(true);
    expect(owesSteps("creator", actions(["seed", "confirmed"], ["prompt", "intent"]))).toBe(true);
    expect(owesSteps("creator", actions(["seed", "confirmed"], ["prompt", "confirmed"]))).toBe(false);
    expect(owesSteps("creator", actions(["seed", "abandoned"]))).toBe(false);
  });
});

describe("lastNeededAt: the drain's upper bound per task", () => {
  // Request, Create, Prepare, Start, Precommit, Commit, End
  const w = { windows: [600, 300, 300, 60, 300, 120, 0], poiWindow: 200 };
  it("adds the windows still ahead of a miner, through the PoI", () => {
    expect(lastNeededAt({ state: "Start", deadline: 1_000, revealsClosed: false }, "miner", w)).toBe(
      1_000 + 300 + 120 + 200,
    );
    expect(lastNeededAt({ state: "Precommit", deadline: 1_000, revealsClosed: false }, "miner", w)).toBe(
      1_000 + 120 + 200,
    );
    expect(lastNeededAt({ state: "Commit", deadline: 1_000, revealsClosed: false }, "miner", w)).toBe(1_000 + 200);
    // Once reveals closed, the deadline is the PoI window's own end.
    expect(lastNeededAt({ state: "Commit", deadline: 1_000, revealsClosed: true }, "miner", w)).toBe(1_000);
    expect(lastNeededAt({ state: "End", deadline: 1_000, revealsClosed: true }, "miner", w)).toBe(1_000);
  });

  it("a creator is needed through Prepare only", () => {
    expect(lastNeededAt({ state: "Create", deadline: 1_000, revealsClosed: false }, "creator", w)).toBe(1_300);
    expect(lastNeededAt({ state: "Prepare", deadline: 1_000, revealsClosed: false }, "creator", w)).toBe(1_000);
  });
});

describe("the drain's reasons", () => {
  it("say how many tasks, in one line", () => {
    expect(drainingReason(1)).toBe("Stopping: finishing 1 task in flight");
    expect(drainingReason(2)).toBe("Stopping: finishing 2 tasks in flight");
    expect(abandonedReason(0)).toBe("Stopped by you");
    expect(abandonedReason(1)).toBe("Stopped by you: 1 task in flight was abandoned");
    expect(abandonedReason(3)).toBe("Stopped by you: 3 tasks in flight were abandoned");
    expect(gaveUpReason(1)).toBe("Stopped by you: stopped waiting for 1 task in flight past its last deadline");
  });
});

function harness(initial: HeldTask[], boundMs: number) {
  let inFlight = initial;
  let now = 0;
  const shown: MiningStatus[] = [];
  const stops: string[] = [];
  const bounded: HeldTask[][] = [];
  const drain = new MiningDrain({
    inFlight: () => inFlight,
    boundMs: async (tasks) => {
      bounded.push([...tasks]);
      return boundMs;
    },
    show: (s) => shown.push(s),
    stop: async (reason) => void stops.push(reason),
    checkMs: 60_000,
    now: () => now,
  });
  return {
    drain,
    shown,
    stops,
    bounded,
    set: (tasks: HeldTask[]) => (inFlight = tasks),
    at: (ms: number) => (now = ms),
  };
}

describe("MiningDrain", () => {
  const a = { taskId: "1", role: "miner" as const };
  const b = { taskId: "2", role: "creator" as const };

  it("stops at once when nothing is in flight", async () => {
    const h = harness([], 1_000);
    await h.drain.begin();
    expect(h.stops).toEqual(["Stopped by you"]);
    expect(h.drain.draining).toBe(false);
    expect(h.shown).toEqual([]);
  });

  it("shows what is left, then stops once the tasks are done", async () => {
    const h = harness([a], 1_000);
    await h.drain.begin();
    expect(h.drain.draining).toBe(true);
    expect(h.shown.at(-1)).toEqual({ state: "stopping", reason: "Stopping: finishing 1 task in flight" });
    h.set([a, b]);
    await h.drain.check();
    expect(h.shown.at(-1)?.reason).toBe("Stopping: finishing 2 tasks in flight");
    // Each task is bounded once, when first seen in flight.
    expect(h.bounded).toEqual([[a], [b]]);
    h.set([]);
    await h.drain.check();
    expect(h.stops).toEqual(["Stopped by you"]);
    await h.drain.check();
    expect(h.stops).toHaveLength(1);
  });

  it("stops anyway once the latest deadline passed", async () => {
    const h = harness([a], 1_000);
    await h.drain.begin();
    h.at(999);
    await h.drain.check();
    expect(h.stops).toEqual([]);
    h.at(1_000);
    await h.drain.check();
    expect(h.stops).toEqual(["Stopped by you: stopped waiting for 1 task in flight past its last deadline"]);
    expect(h.drain.draining).toBe(false);
  });

  it("cancel (a start while stopping) ends the drain without stopping", async () => {
    const h = harness([a], 1_000);
    await h.drain.begin();
    h.drain.cancel();
    h.set([]);
    await h.drain.check();
    expect(h.stops).toEqual([]);
    expect(h.drain.draining).toBe(false);
  });
});
