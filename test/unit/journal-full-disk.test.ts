import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Journal } from "../../src-main/tx/journal.js";
import { FullDisk } from "../helpers/full-disk.js";

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-journal-enospc-"));
  file = path.join(dir, "journal.jsonl");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const intent = (taskId: string) =>
  ({ kind: "intent", taskId, action: "precommit", data: { output: "x".repeat(200), nonce: 1 } }) as const;

async function lines(): Promise<string[]> {
  return (await readFile(file, "utf8")).split("\n");
}

describe("Journal on a full disk", () => {
  it("a write that fails part-way leaves no fragment, and the retry after space is freed is a line of its own", async () => {
    const disk = new FullDisk();
    const j = await Journal.open(file, { files: disk.files });
    await j.append(intent("1"));
    disk.freeBytes = 40;
    await expect(j.append(intent("2"))).rejects.toMatchObject({
      code: "DISK_FULL",
      message: expect.stringMatching(/disk is full/),
    });
    expect(await lines()).toHaveLength(2); // one line and the final newline: the 40 bytes were taken back
    disk.freeBytes = undefined;
    await j.append(intent("2"));
    await j.close();

    const again = await Journal.open(file);
    expect(again.all().map((r) => [r.seq, r.taskId])).toEqual([
      [0, "1"],
      [1, "2"],
    ]);
    expect(again.repairs).toEqual([]);
    await again.close();
  });

  it("when cutting the fragment fails too, the next append cuts it first; a restart in between repairs the tail", async () => {
    const disk = new FullDisk();
    const j = await Journal.open(file, { files: disk.files });
    await j.append(intent("1"));
    disk.freeBytes = 57;
    disk.failTruncate = 1;
    await expect(j.append(intent("2"))).rejects.toMatchObject({ code: "DISK_FULL" });
    expect((await lines()).at(-1)).toHaveLength(57); // the fragment is still there

    // A start now (say the app was quit) repairs the torn tail instead of refusing.
    const meanwhile = await Journal.open(file);
    expect(meanwhile.all()).toHaveLength(1);
    expect(meanwhile.repairs).toEqual([expect.stringMatching(/torn tail of 57 bytes/)]);
    await meanwhile.close();

    disk.freeBytes = undefined;
    await j.append(intent("3"));
    await j.close();
    const again = await Journal.open(file);
    expect(again.all().map((r) => [r.seq, r.taskId])).toEqual([
      [0, "1"],
      [1, "3"],
    ]);
    await again.close();
  });

  it("a failed cut before an append fails that append, never writing after the fragment", async () => {
    const disk = new FullDisk();
    const j = await Journal.open(file, { files: disk.files });
    await j.append(intent("1"));
    disk.freeBytes = 10;
    disk.failTruncate = 2;
    await expect(j.append(intent("2"))).rejects.toMatchObject({ code: "DISK_FULL" });
    disk.freeBytes = undefined;
    await expect(j.append(intent("3"))).rejects.toMatchObject({
      message: expect.stringMatching(/could not be written: EIO/),
    });
    expect((await lines()).at(-1)).toHaveLength(10);
    await j.append(intent("3"));
    await j.close();
    const again = await Journal.open(file);
    expect(again.all().map((r) => r.taskId)).toEqual(["1", "3"]);
    await again.close();
  });

  it("opens a journal an older build damaged (a retry joined onto a fragment), keeping every record", async () => {
    const j = await Journal.open(file);
    await j.append(intent("1"));
    await j.append(intent("2"));
    await j.append(intent("3"));
    await j.close();
    const [first, second, third] = await lines();
    // What the old code left: the fragment of seq 1, the whole retry of seq 1 on the same line, then seq 2.
    await writeFile(file, `${first}\n${second!.slice(0, 80)}${second}\n${third}\n`);

    const again = await Journal.open(file);
    expect(again.all().map((r) => [r.seq, r.taskId])).toEqual([
      [0, "1"],
      [1, "2"],
      [2, "3"],
    ]);
    expect(again.repairs).toEqual([expect.stringMatching(/line 2: dropped a fragment/)]);
    await again.append(intent("4"));
    await again.close();
    const reread = await Journal.open(file);
    expect(reread.all().map((r) => r.taskId)).toEqual(["1", "2", "3", "4"]);
    await reread.close();
  });

  it("cuts an unterminated last record: its append never returned, so nothing was sent on it", async () => {
    const j = await Journal.open(file);
    await j.append(intent("1"));
    await j.append(intent("2"));
    await j.close();
    const text = await readFile(file, "utf8");
    await writeFile(file, text.slice(0, -1));
    const again = await Journal.open(file);
    expect(again.all().map((r) => r.taskId)).toEqual(["1"]);
    await again.append(intent("3"));
    await again.close();
    const reread = await Journal.open(file);
    expect(reread.all().map((r) => r.taskId)).toEqual(["1", "3"]);
    await reread.close();
  });
});
