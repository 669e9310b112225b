import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src-main/cli/main.js";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import type { DatasetRecord } from "../../src-network/dataset/dataset-record.js";
import { datasetPaths } from "../../src-network/dataset/dataset-service.js";
import { DatasetStore } from "../../src-network/dataset/dataset-store.js";
import { Capture } from "../helpers/capture.js";

const KNOWN = modelIdOf("stories260K");
const UNKNOWN = modelIdOf("someone-elses-model");

function record(n: number, modelId: string, topicId?: string): DatasetRecord {
  return {
    taskId: String(n),
    block: 100 + n * 10,
    modelId,
    topic: "t",
    ...(topicId ? { topicId } : {}),
    seed: "s",
    prompt: `prompt ${n}`,
    answer: `answer number ${n} about ${"abcdefghij"[n]} and nothing else ${n * 7}`,
    miners: [{ address: "0x01", scoreBps: 10_000 }],
  };
}

async function cli(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "export-"));
  const store = await DatasetStore.open(datasetPaths(dir).file);
  await store.append(record(0, KNOWN, "stories:a rainy day"));
  await store.append(record(1, KNOWN, "science:why ice floats"));
  await store.append(record(2, UNKNOWN));
  await store.close();
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe("pouw-miner dataset export", () => {
  it("writes the records and a manifest with counts, models and each known model's licence", async () => {
    const out = path.join(dir, "out.jsonl");
    const { code } = await cli("dataset", "export", "--out", out, "--data-dir", dir, "--json");
    expect(code).toBe(0);
    const lines = (await fs.readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as DatasetRecord);
    expect(lines.map((r) => r.taskId)).toEqual(["0", "1", "2"]);
    const manifest = JSON.parse(await fs.readFile(`${out}.manifest.json`, "utf8"));
    expect(manifest.records).toBe(3);
    expect(manifest.domains).toEqual({ stories: 1, science: 1, uncatalogued: 1 });
    const known = manifest.models.find((m: { modelId: string }) => m.modelId === KNOWN);
    expect(known).toMatchObject({ records: 2, name: expect.any(String), license: expect.any(String) });
    expect(manifest.models.find((m: { modelId: string }) => m.modelId === UNKNOWN)).toMatchObject({
      records: 1,
      license: null,
    });
    expect(manifest.blocks).toEqual({ first: 100, last: 120 });
  });

  it("--since keeps records settled at or after the block", async () => {
    const out = path.join(dir, "since.jsonl");
    expect((await cli("dataset", "export", "--out", out, "--data-dir", dir, "--since", "110")).code).toBe(0);
    expect((await fs.readFile(out, "utf8")).trim().split("\n")).toHaveLength(2);
  });

  it("refuses parquet and unknown formats with one clear line and exit 2, writing nothing", async () => {
    const out = path.join(dir, "p.parquet");
    const parquet = await cli("dataset", "export", "--format", "parquet", "--out", out, "--data-dir", dir);
    expect(parquet.code).toBe(2);
    expect(parquet.stderr.trim().split("\n")[0]).toMatch(/parquet is not supported/);
    expect((await cli("dataset", "export", "--format", "csv", "--out", out, "--data-dir", dir)).code).toBe(2);
    expect((await cli("dataset", "--out", out)).code).toBe(2);
    await expect(fs.access(out)).rejects.toThrow();
  });
});
