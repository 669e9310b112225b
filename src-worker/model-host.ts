import path from "node:path";
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  type Llama,
  type LlamaContext,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from "node-llama-cpp";
import { PouwError } from "../src-shared/errors.js";
import type { Progress } from "../src-shared/progress.js";
import type { LoadModelParams, LoadModelResult, ModelInfo } from "../src-shared/worker-contract.js";
import type { GenerationTarget } from "./generate.js";
import { checkModelFile } from "./model-file.js";
import { Mutex } from "./mutex.js";

export interface LoadedModel extends GenerationTarget {
  context: LlamaContext;
  info: ModelInfo;
  key: string;
  embedding?: LlamaEmbeddingContext;
}

export interface ModelHostOptions {
  defaultThreads: () => Promise<number>;
  /** CPU only when false; "auto" picks CUDA/Vulkan/Metal when a prebuilt binary works here. */
  gpu: false | "auto";
}

const DEFAULT_CONTEXT = 2048;

/**
 * Holds at most one model. Loads, unloads and every use of the model run behind one lock, so a
 * generation never sees a model being swapped out under it.
 */
export class ModelHost {
  #llama: Promise<Llama> | undefined;
  #loaded: LoadedModel | null = null;
  readonly #lock = new Mutex();

  constructor(private readonly options: ModelHostOptions) {}

  get info(): ModelInfo | null {
    return this.#loaded?.info ?? null;
  }

  llama(): Promise<Llama> {
    this.#llama ??= getLlama({ build: "never", gpu: this.options.gpu, logLevel: LlamaLogLevel.error }).catch(
      (err: unknown) => {
        this.#llama = undefined;
        throw err;
      },
    );
    return this.#llama;
  }

  load(
    params: LoadModelParams,
    opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
  ): Promise<LoadModelResult> {
    return this.#lock.run(async () => {
      const started = performance.now();
      const threads = params.threads ?? (await this.options.defaultThreads());
      const modelPath = path.resolve(params.path);
      const key = JSON.stringify([modelPath, params.gpuLayers ?? "auto", threads, params.contextSize ?? null]);
      if (this.#loaded?.key === key) return { model: this.#loaded.info, loadMs: 0, reused: true };

      const { sizeBytes } = await checkModelFile(modelPath, {
        ...opts,
        ...(params.sha256 ? { sha256: params.sha256 } : {}),
      });
      await this.#unloadLocked();
      const llama = await this.llama();
      const report = loadProgressReporter(opts.onProgress);
      report(0);
      const model = await llama
        .loadModel({
          modelPath,
          gpuLayers: params.gpuLayers ?? "auto",
          ...(opts.signal ? { loadSignal: opts.signal } : {}),
          onLoadProgress: report,
        })
        .catch((err: unknown) => {
          throw loadError(err, modelPath, opts.signal);
        });
      try {
        const context = await model.createContext({
          contextSize: Math.min(params.contextSize ?? DEFAULT_CONTEXT, model.trainContextSize || DEFAULT_CONTEXT),
          threads,
        });
        const sequence = context.getSequence();
        const info: ModelInfo = {
          path: modelPath,
          sizeBytes,
          ...ggufNames(model),
          trainContextSize: model.trainContextSize,
          contextSize: context.contextSize,
          threads,
          gpuLayers: model.gpuLayers,
          backend: llama.gpu === false ? "cpu" : llama.gpu,
          embeddingDims: model.embeddingVectorSize,
        };
        this.#loaded = {
          model,
          context,
          sequence,
          completion: new LlamaCompletion({ contextSequence: sequence }),
          info,
          key,
        };
        return { model: info, loadMs: performance.now() - started, reused: false };
      } catch (err) {
        await model.dispose();
        throw loadError(err, modelPath, opts.signal);
      }
    });
  }

  unload(): Promise<boolean> {
    return this.#lock.run(() => this.#unloadLocked());
  }

  /** Runs `fn` with the loaded model, behind the lock; NO_MODEL_LOADED when there is none. */
  use<T>(fn: (model: LoadedModel) => Promise<T>): Promise<T> {
    return this.#lock.run(async () => {
      if (!this.#loaded) throw new PouwError("NO_MODEL_LOADED", "no model is loaded; load one first");
      return fn(this.#loaded);
    });
  }

  /** The embedding context for the loaded model, created on first use and kept. */
  async embeddingContext(loaded: LoadedModel): Promise<LlamaEmbeddingContext> {
    loaded.embedding ??= await loaded.model.createEmbeddingContext({
      threads: loaded.info.threads,
      contextSize: loaded.info.contextSize,
    });
    return loaded.embedding;
  }

  async #unloadLocked(): Promise<boolean> {
    const loaded = this.#loaded;
    if (!loaded) return false;
    this.#loaded = null;
    loaded.completion.dispose();
    await loaded.embedding?.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
    return true;
  }
}

/** llama.cpp reports load progress per tensor; pass on at most one event per 5% (and the end). */
function loadProgressReporter(onProgress: ((p: Progress) => void) | undefined): (fraction: number) => void {
  let last = -1;
  return (raw) => {
    const fraction = Math.min(1, Math.max(0, raw));
    if (fraction - last < 0.05 && !(fraction === 1 && last < 1)) return;
    last = fraction;
    onProgress?.({ stage: "load", fraction });
  };
}

function ggufNames(model: LlamaModel): { architecture?: string; name?: string } {
  const general = model.fileInfo.metadata?.general;
  return {
    ...(general?.architecture ? { architecture: String(general.architecture) } : {}),
    ...(general?.name ? { name: String(general.name) } : {}),
  };
}

function loadError(err: unknown, modelPath: string, signal: AbortSignal | undefined): PouwError {
  if (err instanceof PouwError) return err;
  const name = path.basename(modelPath);
  if (signal?.aborted) return new PouwError("CANCELLED", `loading ${name} was cancelled`);
  const message = err instanceof Error ? err.message : String(err);
  if (/memory|vram|allocat/i.test(message)) {
    return new PouwError("MODEL_TOO_LARGE", `not enough memory to load ${name}: ${message.split("\n")[0]}`, {
      cause: err,
    });
  }
  return new PouwError("MODEL_FILE_INVALID", `${name} could not be loaded: ${message.split("\n")[0]}`, { cause: err });
}
