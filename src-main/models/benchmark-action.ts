import type { BenchmarkView } from "../../src-shared/app-views.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import type { Progress } from "../../src-shared/progress.js";
import type { StoredBenchmark } from "../../src-shared/worker-contract.js";
import { saveBenchmark } from "../worker-client/benchmark-store.js";
import type { WorkerSupervisor } from "../worker-client/supervisor.js";

export interface BenchmarkTarget {
  path: string;
  /** Already loaded by the miner: measure it as it is, and leave it loaded. */
  loaded?: boolean;
  threads: number;
  gpuLayers?: number;
}

/**
 * Measures a model in the session's worker exactly as the miner will load it (same threads and GPU
 * layers, so the miner core finds this entry in `benchmarks.json` and does not measure again), then
 * unloads it. One at a time; progress and the outcome go to `onView`.
 */
export class BenchmarkAction {
  private controller: AbortController | undefined;

  constructor(
    private readonly opts: {
      worker: WorkerSupervisor;
      file: string;
      onView(view: BenchmarkView): void;
      /** Fewer rounds and tokens in tests. */
      params?: { rounds?: number; maxTokens?: number };
    },
  ) {}

  get running(): boolean {
    return this.controller !== undefined;
  }

  async run(target: BenchmarkTarget, previous?: BenchmarkView): Promise<StoredBenchmark> {
    if (this.controller) throw new PouwError("ALREADY_RUNNING", "a benchmark is already running");
    const controller = new AbortController();
    this.controller = controller;
    const { worker } = this.opts;
    const keep = previous?.result ? { result: previous.result } : {};
    this.opts.onView({ running: true, progress: { stage: "load" }, ...keep });
    try {
      const onEvent = (p: Progress) => this.opts.onView({ running: true, progress: p, ...keep });
      if (!target.loaded) {
        const gpu = target.gpuLayers !== undefined ? { gpuLayers: target.gpuLayers } : {};
        await worker.call("loadModel", { path: target.path, threads: target.threads, ...gpu }, { signal: controller.signal, onEvent });
      }
      const result = await worker.call("benchmark", this.opts.params ?? {}, { signal: controller.signal, onEvent });
      return await saveBenchmark(result, {}, this.opts.file);
    } catch (err) {
      const e = toErrorShape(err);
      this.opts.onView({ running: false, error: e.code === "CANCELLED" ? "Benchmark cancelled" : e.message, ...keep });
      throw err;
    } finally {
      this.controller = undefined;
      if (!target.loaded) await worker.call("unloadModel", {}).catch(() => undefined);
    }
  }

  cancel(): boolean {
    this.controller?.abort();
    return this.controller !== undefined;
  }
}
