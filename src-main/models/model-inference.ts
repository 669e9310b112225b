import os from "node:os";
import { workerInference } from "../miner/worker-inference.js";
import type { Inference } from "../miner/inference.js";
import type { LoadModelParams, StoredBenchmark } from "../../src-shared/worker-contract.js";
import { ensureBenchmark } from "../worker-client/first-run-benchmark.js";
import { WorkerSupervisor } from "../worker-client/supervisor.js";

/** The worker process with the miner's model loaded, as the engine's Inference. */
export interface ModelWorker {
  inference: Inference;
  /** The served model's benchmark on this machine (stored, or measured at this start). */
  benchmark: StoredBenchmark;
  /** The worker's current PID: it changes when the supervisor restarts a crashed worker. */
  pid(): number | undefined;
  /** Frees the model's memory while mining rests (model-rest.ts); reload() loads it again as at start. */
  unload(): Promise<void>;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** One thread per core but one, left for the main process and the chain node. */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/** Tokens per second declared on chain when registering: the benchmark's, as a whole uint32. */
export function declaredSpeed(benchmark: Pick<StoredBenchmark, "tokensPerSecond">): number {
  return Math.max(1, Math.min(2 ** 32 - 1, Math.round(benchmark.tokensPerSecond)));
}

/** Threads for the worker: the asked-for (or default) count, never above the settings' cap. */
export function cappedThreads(asked: number | undefined, cap: number | undefined): number {
  const threads = asked ?? defaultThreads();
  return cap === undefined ? threads : Math.max(1, Math.min(threads, cap));
}

/** The miner's load of its model; the same params again find it loaded (the worker reuses it). */
export function minerLoadParams(opts: { modelPath: string; threads?: number; gpuLayers?: number }): LoadModelParams {
  return { path: opts.modelPath, threads: opts.threads ?? defaultThreads(), ...(opts.gpuLayers !== undefined ? { gpuLayers: opts.gpuLayers } : {}) };
}

/**
 * Starts loading the miner's model into the session's worker ahead of the miner (while the network
 * and the wallet open). Failures are left for the miner's own load to report.
 */
export function preloadMinerModel(worker: WorkerSupervisor, opts: { modelPath: string; threads?: number; maxThreads?: number; maxGpuLayers?: number }): void {
  const params = minerLoadParams({ modelPath: opts.modelPath, threads: cappedThreads(opts.threads, opts.maxThreads), ...(opts.maxGpuLayers !== undefined ? { gpuLayers: opts.maxGpuLayers } : {}) });
  void worker.call("loadModel", params).catch(() => undefined);
}

/**
 * Starts the worker with the model loaded and its benchmark at hand: the stored one for this model
 * and these settings, else measured now (first run) and stored in `benchmarkFile`.
 */
export async function startModelWorker(opts: {
  modelPath: string;
  threads?: number;
  gpuLayers?: number;
  benchmarkFile: string;
  onLog?: (line: string) => void;
  /** A worker someone else runs (the app session's): the model is loaded into it and unloaded at stop. */
  supervisor?: WorkerSupervisor;
}): Promise<ModelWorker> {
  const owned = !opts.supervisor;
  const worker = opts.supervisor ?? new WorkerSupervisor();
  if (owned) worker.on("crashed", (c) => opts.onLog?.(`worker crashed (${c.reason}); restarting in ${c.restartInMs} ms`));
  const stop = owned ? () => worker.stop() : () => worker.call("unloadModel", {}).then(() => undefined, () => undefined);
  await worker.start();
  let benchmark: StoredBenchmark;
  try {
    const loaded = await worker.call("loadModel", minerLoadParams(opts));
    opts.onLog?.(`worker ${worker.pid ?? "?"} loaded ${opts.modelPath}`);
    benchmark = await ensureBenchmark(worker, loaded, { file: opts.benchmarkFile });
  } catch (err) {
    await stop();
    throw err;
  }
  opts.onLog?.(`benchmark: ${benchmark.tokensPerSecond.toFixed(0)} tokens/s, first token in ${benchmark.ttftMs.toFixed(0)} ms`);
  return {
    inference: workerInference(worker),
    benchmark,
    pid: () => worker.pid,
    unload: () => worker.call("unloadModel", {}).then(() => undefined),
    reload: () => worker.call("loadModel", minerLoadParams(opts)).then(() => undefined),
    stop,
  };
}
