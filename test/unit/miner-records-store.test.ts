import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordsStore, withState } from "../../src-main/miner/records-store.js";
import type { TaskRecord } from "../../src-shared/task-record.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-records-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fresh = (taskId: string, slot: number): TaskRecord => ({
  taskId,
  slot,
  kind: "user",
  modelId: "0x01",
  priority: 2,
  states: [],
  reward: "0",
  gasSpent: "0",
});

describe("RecordsStore", () => {
  it("keeps one record per (task, slot) across reopen; repeated updates are no-ops", async () => {
    const file = path.join(dir, "records.json");
    const store = await RecordsStore.open(file);
    await store.upsert("1", 0, (r) => withState(r ?? fresh("1", 0), { state: "Start", at: 10, txHash: "0xa" }));
    await store.upsert("1", 1, (r) => r ?? fresh("1", 1));
    const text = await readFile(file, "utf8");
    const same = await store.upsert("1", 0, (r) =>
      withState(r ?? fresh("1", 0), { state: "Start", at: 99, txHash: "0xa" }),
    );
    expect(same.states).toEqual([{ state: "Start", at: 10, txHash: "0xa" }]);
    expect(await readFile(file, "utf8")).toBe(text);
    const reopened = await RecordsStore.open(file);
    expect(reopened.all()).toHaveLength(2);
    expect(reopened.get("1", 0)?.states).toHaveLength(1);
  });

  it("keeps states in protocol order even when one is learned late", () => {
    let r = fresh("2", 0);
    r = withState(r, { state: "Start", at: 1 });
    r = withState(r, { state: "Commit", at: 3, txHash: "0xc" });
    r = withState(r, { state: "Precommit", at: 2, txHash: "0xb" });
    expect(r.states.map((s) => s.state)).toEqual(["Start", "Precommit", "Commit"]);
    // A hash learned later fills in the existing entry instead of adding a second one.
    r = withState(r, { state: "Start", at: 5, txHash: "0xa" });
    expect(r.states).toHaveLength(3);
    expect(r.states[0]).toEqual({ state: "Start", at: 1, txHash: "0xa" });
  });

  it("refuses a damaged history file instead of starting over silently", async () => {
    const file = path.join(dir, "records.json");
    await writeFile(file, "{ not json");
    await expect(RecordsStore.open(file)).rejects.toThrow(/damaged/);
  });

  it("serialises concurrent updates of one record", async () => {
    const store = await RecordsStore.open(path.join(dir, "records.json"));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.upsert("3", 0, (r) => ({
          ...(r ?? fresh("3", 0)),
          reward: String(BigInt((r ?? fresh("3", 0)).reward) + BigInt(i)),
        })),
      ),
    );
    expect(store.get("3", 0)?.reward).toBe("45");
  });
});
