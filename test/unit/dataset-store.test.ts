import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatasetRecord } from "../../src-network/dataset/dataset-record.js";
import { DatasetStore, readDataset } from "../../src-network/dataset/dataset-store.js";
import {
  embeddingDuplicates,
  jaccard,
  shingleDuplicates,
  shingles,
} from "../../src-network/dataset/near-duplicates.js";

const ANSWERS = [
  "Once upon a time a small fox found a red ball in the snow and carried it home to her den.",
  "The lighthouse keeper climbed the stairs one last time and watched the ships sail past the rocks.",
  "Rain tapped on the window while Tom built a castle of pillows with his little sister.",
];

function record(n: number, answer = ANSWERS[n % ANSWERS.length] ?? ""): DatasetRecord {
  return {
    taskId: String(n),
    block: 10 + n,
    modelId: "0xabc",
    topic: "a rainy day",
    topicId: "stories:a rainy day",
    seed: "s",
    prompt: "p",
    answer,
    miners: [{ address: "0x01", scoreBps: 10_000 }],
  };
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dataset-"));
  file = path.join(dir, "sub", "dataset.jsonl");
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe("dataset store", () => {
  it("appends one line per task, is idempotent by task id, and reopens with what it had", async () => {
    const store = await DatasetStore.open(file);
    expect(await store.append(record(0))).toBe("kept");
    expect(await store.append(record(1))).toBe("kept");
    expect(await store.append(record(0, "a different answer entirely for the same task id"))).toBe("exists");
    await store.close();
    const again = await DatasetStore.open(file);
    expect(again.all().map((r) => r.taskId)).toEqual(["0", "1"]);
    expect(await again.append(record(1))).toBe("exists");
    await again.close();
    expect((await fs.readFile(file, "utf8")).trim().split("\n")).toHaveLength(2);
  });

  it("cuts a torn last line on open and keeps appending after it", async () => {
    const store = await DatasetStore.open(file);
    await store.append(record(0));
    await store.close();
    const whole = JSON.stringify(record(1));
    await fs.appendFile(file, whole.slice(0, whole.length - 5));
    const reopened = await DatasetStore.open(file);
    expect(reopened.all().map((r) => r.taskId)).toEqual(["0"]);
    expect(await reopened.append(record(1))).toBe("kept");
    await reopened.close();
    const { records, torn } = await readDataset(file);
    expect(torn).toBe(false);
    expect(records.map((r) => r.taskId)).toEqual(["0", "1"]);
  });

  it("a complete record missing only its newline counts as torn too", async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(record(0)) + "\n" + JSON.stringify(record(1)));
    const { records, torn, goodBytes } = await readDataset(file);
    expect(torn).toBe(true);
    expect(records).toHaveLength(1);
    expect(goodBytes).toBe(JSON.stringify(record(0)).length + 1);
  });

  it("a bad line before the last is reported, not cut", async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, "{garbage}\n" + JSON.stringify(record(0)) + "\n");
    await expect(DatasetStore.open(file)).rejects.toThrow(/bad record on line 1/);
    expect((await fs.readFile(file, "utf8")).startsWith("{garbage}")).toBe(true);
  });

  it("drops a near-duplicate answer and counts it; a new task with a new answer is kept", async () => {
    const store = await DatasetStore.open(file);
    await store.append(record(0));
    const echo = record(7, ANSWERS[0]?.toUpperCase().replace("fox", "Fox") + "  ");
    expect(await store.append(echo)).toBe("duplicate");
    expect(store.droppedCount).toBe(1);
    expect(store.has("7")).toBe(false);
    expect(await store.append(record(2))).toBe("kept");
    await store.close();
    // Reopened, the kept answers still catch duplicates.
    const again = await DatasetStore.open(file);
    expect(await again.append(record(9, ANSWERS[2]))).toBe("duplicate");
    await again.close();
  });
});

describe("near-duplicate checks", () => {
  it("shingle Jaccard ignores case and punctuation and separates different texts", () => {
    const a = shingles(ANSWERS[0] ?? "");
    expect(jaccard(a, shingles((ANSWERS[0] ?? "").toUpperCase().replaceAll(",", " ,")))).toBe(1);
    expect(jaccard(a, shingles(ANSWERS[1] ?? ""))).toBeLessThan(0.1);
  });

  it("one changed word in a long text is still a duplicate at the default threshold; half changed is not", async () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const d = shingleDuplicates();
    await d.add(words.join(" "));
    expect(await d.isDuplicate(words.map((w, i) => (i === 59 ? "other" : w)).join(" "))).toBe(true);
    expect(await d.isDuplicate(words.map((w, i) => (i % 2 ? "x" + w : w)).join(" "))).toBe(false);
  });

  it("with an embedder, cosine decides", async () => {
    const vectors: Record<string, number[]> = { a: [1, 0, 0], "a'": [0.99, 0.05, 0], b: [0, 1, 0] };
    const d = embeddingDuplicates((t) => Promise.resolve(vectors[t] ?? [0, 0, 1]));
    await d.add("a");
    expect(await d.isDuplicate("a'")).toBe(true);
    expect(await d.isDuplicate("b")).toBe(false);
  });
});
