import { afterEach, describe, expect, it, vi } from "vitest";
import { MinerViews } from "../../src-main/miner/miner-views.js";
import { modelNamesById } from "../../src-main/miner/task-queries.js";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import type { AppSnapshot } from "../../src-shared/app-contract.js";
import { appSnapshot } from "../helpers/app-snapshot.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { TaskRecord } from "../../src-shared/task-record.js";

const MODEL = modelIdOf("tiny");
const record = (taskId: string, states: TaskRecord["states"], extra: Partial<TaskRecord> = {}) =>
  TaskRecord.parse({ taskId, slot: 0, kind: "user", modelId: MODEL, priority: 0, states, ...extra });
const snapshot = (): AppSnapshot => appSnapshot({ appVersion: "1.0.0" });
const flush = () => new Promise((r) => setTimeout(r, 0));

/** Views over a records list the test changes, with deadlines counted as they are read. */
function setup(initial: TaskRecord[]) {
  const records = [...initial];
  const reads: string[][] = [];
  const hub = new SnapshotHub(snapshot());
  const ended = vi.fn();
  const views = new MinerViews({
    hub,
    records: () => records,
    deadlines: async (ids) => (reads.push([...ids]), new Map(ids.map((id) => [id, 5_000 + Number(id)]))),
    names: () => modelNamesById([{ onChain: "tiny", label: "Tiny" }]),
    tokensPerSecond: () => undefined,
    onEnded: ended,
  });
  const change = (r: TaskRecord) => {
    const i = records.findIndex((x) => x.taskId === r.taskId && x.slot === r.slot);
    if (i >= 0) records[i] = r;
    else records.push(r);
    views.changed(r);
  };
  return { hub, views, reads, ended, change };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe("MinerViews: the miner's records written straight into the snapshot", () => {
  it("shows the history it starts from, with model names, and no reward of it counts as this session's", async () => {
    const { hub, views, reads } = setup([
      record("1", [{ state: "End", at: 10 }], { reward: "7", outcome: "Completed" }),
    ]);
    views.start(60_000);
    stop = () => views.stop();
    await flush();
    expect(hub.current().tasks).toMatchObject([{ id: "1#0", stage: "End", modelName: "Tiny", rewardWei: "7" }]);
    expect(hub.current().earnings).toMatchObject({ totalWei: "7", sessionWei: "0", tasksCompleted: 1 });
    // Nothing in flight: no deadline is read.
    expect(reads).toEqual([]);
  });

  it("shows a changed record at once, then with the deadline of its task (the only one read)", async () => {
    const { hub, views, reads, ended, change } = setup([record("1", [{ state: "End", at: 10 }])]);
    views.start(60_000);
    stop = () => views.stop();
    change(record("2", [{ state: "Start", at: 20 }]));
    expect(hub.current().tasks[0]).toMatchObject({ id: "2#0", stage: "Start" });
    await flush();
    expect(reads.at(-1)).toEqual(["2"]);
    expect(hub.current().tasks[0]).toMatchObject({ id: "2#0", deadlineAt: 5_002 });
    expect(views.deadlineOf("2")).toBe(5_002);

    change(
      record(
        "2",
        [
          { state: "Start", at: 20 },
          { state: "End", at: 30 },
        ],
        { reward: "9", tokens: 12 },
      ),
    );
    await flush();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(hub.current().tasks[0]).toMatchObject({ id: "2#0", stage: "End" });
    expect(hub.current().tasks[0]!.deadlineAt).toBeUndefined();
    expect(hub.current().earnings).toMatchObject({ totalWei: "9", sessionWei: "9" });
    expect(views.tokensPerSecond()).toBeGreaterThan(0);
  });

  it("ignores changes before start (the engine's recovery): start reads the records as they are then", () => {
    const { hub, views, change } = setup([]);
    change(record("3", [{ state: "End", at: 10 }], { reward: "4" }));
    expect(hub.current().tasks).toEqual([]);
    views.start(60_000);
    stop = () => views.stop();
    expect(hub.current().earnings).toMatchObject({ totalWei: "4", sessionWei: "0" });
  });
});
