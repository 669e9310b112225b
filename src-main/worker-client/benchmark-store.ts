import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { BenchmarkFile, type BenchmarkResult, type StoredBenchmark } from "../../src-shared/worker-contract.js";
import { appDataDir } from "../paths.js";

export function benchmarksPath(dataDir = appDataDir()): string {
  return path.join(dataDir, "benchmarks.json");
}

/** All stored benchmarks; a missing or unreadable file reads as none (they are re-measured). */
export async function readBenchmarks(file = benchmarksPath()): Promise<StoredBenchmark[]> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return [];
  try {
    const parsed = BenchmarkFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.entries : [];
  } catch {
    return [];
  }
}

/**
 * Keeps one entry per model file and settings (threads, GPU layers): the newest measurement
 * replaces the old one. Written atomically so a crash never leaves half a file.
 */
export async function saveBenchmark(
  result: BenchmarkResult,
  extra: { modelSha256?: string; at?: Date } = {},
  file = benchmarksPath(),
): Promise<StoredBenchmark> {
  const entry: StoredBenchmark = {
    ...result,
    ...(extra.modelSha256 ? { modelSha256: extra.modelSha256 } : {}),
    at: (extra.at ?? new Date()).toISOString(),
  };
  const kept = (await readBenchmarks(file)).filter((e) => !sameSetup(e, entry));
  const content: BenchmarkFile = { version: 1, entries: [...kept, entry] };
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(content, null, 2) + "\n");
  await rename(tmp, file);
  return entry;
}

/** The newest benchmark for a model file, whatever its settings; undefined when never measured. */
export async function latestBenchmark(
  modelPath: string,
  file = benchmarksPath(),
): Promise<StoredBenchmark | undefined> {
  const entries = (await readBenchmarks(file)).filter((e) => e.modelPath === path.resolve(modelPath));
  return entries.sort((a, b) => b.at.localeCompare(a.at))[0];
}

function sameSetup(a: StoredBenchmark, b: StoredBenchmark): boolean {
  return a.modelPath === b.modelPath && a.threads === b.threads && a.gpuLayers === b.gpuLayers;
}

/**
 * How long a task would take on this machine by the stored benchmark, with a safety factor for
 * the noise between a benchmark and a real run (longer prompts, a busier desktop).
 */
export function estimateTaskMs(
  bench: Pick<StoredBenchmark, "tokensPerSecond" | "ttftMs">,
  maxTokens: number,
  safety = 1.5,
): number {
  if (!(bench.tokensPerSecond > 0)) return Number.POSITIVE_INFINITY;
  return (bench.ttftMs + (maxTokens / bench.tokensPerSecond) * 1000) * safety;
}

/** Whether a task of `maxTokens` can finish within `msLeft`; false when never benchmarked. */
export function canFinishInTime(bench: StoredBenchmark | undefined, maxTokens: number, msLeft: number): boolean {
  return bench !== undefined && estimateTaskMs(bench, maxTokens) <= msLeft;
}
