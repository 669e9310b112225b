import {
  WORKER_PROTOCOL_VERSION,
  type EventOf,
  type ParsedParamsOf,
  type ResultOf,
  type WorkerMethod,
} from "../src-shared/worker-contract.js";
import { benchmarkModel } from "./benchmark.js";
import { embedTexts } from "./embed.js";
import { generateText } from "./generate.js";
import { probeHardware } from "./hardware/probe.js";
import { sampleHardware } from "./hardware/sampler.js";
import type { ModelHost } from "./model-host.js";
import { TokenThrottle } from "./token-throttle.js";
import { verifyTokens } from "./verify.js";

export interface HandlerContext<M extends WorkerMethod> {
  signal: AbortSignal;
  emit(event: EventOf<M>): void;
}

export type Handler<M extends WorkerMethod> = (
  params: ParsedParamsOf<M>,
  ctx: HandlerContext<M>,
) => Promise<ResultOf<M>>;

export type Handlers = { [M in WorkerMethod]: Handler<M> };

/** The worker's methods, one line of wiring each; the work itself lives in the modules they call. */
export function createHandlers(host: ModelHost, env: { startedAt: number; activeRequests: () => number }): Handlers {
  return {
    status: async () => ({
      pid: process.pid,
      protocol: WORKER_PROTOCOL_VERSION,
      uptimeMs: performance.now() - env.startedAt,
      rssBytes: process.memoryUsage.rss(),
      model: host.info,
      activeRequests: env.activeRequests(),
    }),
    // The probe reuses the worker's llama so node-llama-cpp's backend and VRAM view are the real ones.
    probe: async () => {
      const llama = await host.llama().catch(() => undefined);
      return probeHardware(llama ? { llama } : {});
    },
    sample: () => sampleHardware(),
    loadModel: (params, ctx) => host.load(params, { signal: ctx.signal, onProgress: ctx.emit }),
    unloadModel: async () => ({ unloaded: await host.unload() }),
    generate: (params, ctx) =>
      host.use(async (loaded) => {
        const throttle = new TokenThrottle(ctx.emit);
        try {
          return await generateText(loaded, params, {
            signal: ctx.signal,
            onText: (text, n) => throttle.push(text, n),
          });
        } finally {
          throttle.close();
        }
      }),
    embed: (params, ctx) =>
      host.use(async (loaded) => embedTexts(await host.embeddingContext(loaded), params.texts, ctx.signal)),
    verify: (params, ctx) => host.use((loaded) => verifyTokens(loaded, params, { signal: ctx.signal })),
    benchmark: (params, ctx) =>
      host.use((loaded) => benchmarkModel(loaded, params, { signal: ctx.signal, onProgress: ctx.emit })),
  };
}
