import path from "node:path";
import type { LoadModelResult, StoredBenchmark } from "../../src-shared/worker-contract.js";
import { benchmarksPath, readBenchmarks, saveBenchmark } from "./benchmark-store.js";
import type { WorkerSupervisor } from "./supervisor.js";

/**
 * The benchmark for the model now loaded in the worker: the stored one when this model and
 * these settings were measured before, else measured now (first run) and stored.
 */
export async function ensureBenchmark(
  worker: WorkerSupervisor,
  loaded: LoadModelResult,
  opts: { file?: string; force?: boolean; signal?: AbortSignal; modelSha256?: string } = {},
): Promise<StoredBenchmark> {
  const file = opts.file ?? benchmarksPath();
  const { path: modelPath, threads, gpuLayers } = loaded.model;
  if (!opts.force) {
    const stored = (await readBenchmarks(file)).find(
      (e) => e.modelPath === path.resolve(modelPath) && e.threads === threads && e.gpuLayers === gpuLayers,
    );
    if (stored) return stored;
  }
  const result = await worker.call("benchmark", {}, opts.signal ? { signal: opts.signal } : {});
  return saveBenchmark(result, opts.modelSha256 ? { modelSha256: opts.modelSha256 } : {}, file);
}
