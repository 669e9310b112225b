import os from "node:os";
import { workerInference } from "../miner/worker-inference.js";
import type { Inference } from "../miner/inference.js";
import { WorkerSupervisor } from "../worker/supervisor.js";

/** The worker process with the miner's model loaded, as the engine's Inference. */
export interface ModelWorker {
  inference: Inference;
  /** The worker's current PID: it changes when the supervisor restarts a crashed worker. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** One thread per core but one, left for the main process and the chain node. */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export async function startModelWorker(opts: { modelPath: string; threads?: number; onLog?: (line: string) => void }): Promise<ModelWorker> {
  const worker = new WorkerSupervisor();
  worker.on("crashed", (c) => opts.onLog?.(`worker crashed (${c.reason}); restarting in ${c.restartInMs} ms`));
  await worker.start();
  try {
    await worker.call("loadModel", { path: opts.modelPath, threads: opts.threads ?? defaultThreads() });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  opts.onLog?.(`worker ${worker.pid ?? "?"} loaded ${opts.modelPath}`);
  return { inference: workerInference(worker), pid: () => worker.pid, stop: () => worker.stop() };
}
