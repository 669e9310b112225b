import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../../src-main/tx/journal.js";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-journal-"));
  file = path.join(dir, "net", "journal.jsonl");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const precommit = {
  kind: "intent",
  taskId: "7",
  action: "precommit",
  data: { output: "Once upon a time", salt: "0xabc", nonce: 4 },
} as const;

describe("Journal", () => {
  it("replays what was appended, across a reopen", async () => {
    const j = await Journal.open(file);
    await j.append(precommit);
    await j.append({ kind: "sent", taskId: "7", action: "precommit", data: { txHash: "0x01", nonce: 4 } });
    await j.append({ data: { nonce: 5 }, action: "reveal", taskId: "7", kind: "intent" }); // key order must not matter
    await j.close();

    const again = await Journal.open(file);
    expect(again.all().map((r) => [r.seq, r.kind, r.action])).toEqual([
      [0, "intent", "precommit"],
      [1, "sent", "precommit"],
      [2, "intent", "reveal"],
    ]);
    expect(again.pending().map((a) => a.action)).toEqual(["precommit", "reveal"]);
    expect(again.pending()[0]?.intent?.data).toEqual(precommit.data);
    await again.append({ kind: "confirmed", taskId: "7", action: "precommit", data: { block: 10 } });
    expect(again.pending().map((a) => a.action)).toEqual(["reveal"]);
    await again.close();
  });

  it("cuts a torn last line left by a crash mid-append, keeping everything before it", async () => {
    const j = await Journal.open(file);
    await j.append(precommit);
    await j.close();
    await appendFile(file, '{"seq":1,"at":"2026-01-01T00:00:00.000Z","kind":"se');

    const again = await Journal.open(file);
    expect(again.all()).toHaveLength(1);
    await again.append({ kind: "sent", taskId: "7", action: "precommit", data: {} });
    await again.close();
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 1, kind: "sent" });
  });

  it("refuses a journal damaged in the middle, with a clear error, and leaves the file as it was", async () => {
    const j = await Journal.open(file);
    await j.append(precommit);
    await j.append({ kind: "sent", taskId: "7", action: "precommit", data: { txHash: "0x01" } });
    await j.close();
    const original = await readFile(file, "utf8");
    const tampered = original.replace('"salt":"0xabc"', '"salt":"0xabd"');
    await writeFile(file, tampered);

    await expect(Journal.open(file)).rejects.toMatchObject({ message: expect.stringMatching(/damaged at line 1/) });
    expect(await readFile(file, "utf8")).toBe(tampered);
  });

  it("keeps appends made side by side in order, each with its own seq", async () => {
    const j = await Journal.open(file);
    await Promise.all(
      ["1", "2", "3"].map((taskId) => j.append({ kind: "confirmed", taskId, action: "assigned", data: {} })),
    );
    await j.close();
    const again = await Journal.open(file);
    expect(again.all().map((r) => [r.seq, r.taskId])).toEqual([
      [0, "1"],
      [1, "2"],
      [2, "3"],
    ]);
    await again.close();
  });

  it("treats an intent after a confirmed (or abandoned) action as a new attempt, pending again", async () => {
    const j = await Journal.open(file);
    await j.append(precommit);
    await j.append({ kind: "confirmed", taskId: "7", action: "precommit", data: { hash: "0x01", block: 9 } });
    expect(j.pending()).toEqual([]);
    // The chain was rewound past block 9: the action is sent again.
    await j.append({ ...precommit, data: { ...precommit.data, nonce: 3 } });
    expect(j.pending().map((a) => [a.action, a.intent?.data.nonce, a.confirmed])).toEqual([
      ["precommit", 3, undefined],
    ]);
    await j.append({ kind: "abandoned", taskId: "7", action: "precommit", data: { reason: "nonce used" } });
    await j.append(precommit);
    expect(j.pending().map((a) => [a.action, a.abandoned])).toEqual([["precommit", undefined]]);
    await j.close();
  });

  it("starts empty when there is no file yet", async () => {
    const j = await Journal.open(file);
    expect(j.all()).toEqual([]);
    expect(j.pending()).toEqual([]);
    await j.close();
  });
});
