import os from "node:os";
import type { Llama } from "node-llama-cpp";
import { firstLine } from "../../src-shared/errors.js";
import { HardwareProbe, type GpuBackend, type GpuInfo, type ProbeError } from "../../src-shared/hardware.js";
import { defaultProbeSources, type LlamaReading, type ProbeSources } from "./sources.js";

const MIB = 1024 * 1024;
/** systeminformation's graphics() can take seconds on Windows (it shells out); llama can load a binary. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 15_000;

export async function probeHardware(opts: { llama?: Llama; timeoutMs?: number } = {}): Promise<HardwareProbe> {
  return probeHardwareFrom(defaultProbeSources(opts), { timeoutMs: opts.timeoutMs });
}

/**
 * Asks every source at once and merges what came back. A source that throws or exceeds the timeout
 * is listed in `errors` and its part falls back to node:os (CPU, memory, OS) or is left out (GPU,
 * temperatures) — the probe as a whole always resolves.
 */
export async function probeHardwareFrom(
  sources: ProbeSources,
  opts: { timeoutMs?: number } = {},
): Promise<HardwareProbe> {
  const ms = opts.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
  const names = ["graphics", "cpu", "mem", "cpuTemperature", "osInfo", "llama"] as const;
  const settled = await Promise.allSettled(names.map((n) => withTimeout<unknown>(sources[n](), ms, n)));
  const errors: ProbeError[] = [];
  const value = <K extends (typeof names)[number]>(name: K): Awaited<ReturnType<ProbeSources[K]>> | undefined => {
    const r = settled[names.indexOf(name)];
    if (r?.status === "fulfilled") return r.value as Awaited<ReturnType<ProbeSources[K]>>;
    errors.push({
      source: name,
      message: firstLine(r?.reason instanceof Error ? r.reason.message : String(r?.reason)),
    });
    return undefined;
  };

  const graphics = value("graphics");
  const cpu = value("cpu");
  const mem = value("mem");
  const temp = value("cpuTemperature");
  const osInfo = value("osInfo");
  const llama = value("llama");

  const backend: GpuBackend = llama && llama.gpu !== false ? llama.gpu : "cpu";
  const gpus = mergeGpus(graphics?.controllers ?? [], llama);
  const logical = cpu?.cores && cpu.cores > 0 ? cpu.cores : os.availableParallelism();
  const gpuTemp = graphics?.controllers.find((c) => typeof c.temperatureGpu === "number")?.temperatureGpu;
  const cpuTemp = typeof temp?.main === "number" && Number.isFinite(temp.main) ? temp.main : undefined;

  return HardwareProbe.parse({
    gpus,
    backend,
    vram: llama?.vram,
    cpu: {
      brand: cpu ? [cpu.manufacturer, cpu.brand].filter(Boolean).join(" ") : (os.cpus()[0]?.model ?? "unknown CPU"),
      // Without a real count assume hyper-threading: under-counting cores costs a little speed,
      // over-counting them costs ~700x on small machines.
      physicalCores:
        cpu?.physicalCores && cpu.physicalCores > 0 ? cpu.physicalCores : Math.max(1, Math.floor(logical / 2)),
      logicalCores: logical,
      speedGHz: cpu?.speed && cpu.speed > 0 ? cpu.speed : undefined,
    },
    memory: mem
      ? { totalBytes: mem.total, freeBytes: mem.available }
      : { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    temperatures: cpuTemp !== undefined || gpuTemp !== undefined ? { cpuC: cpuTemp, gpuC: gpuTemp } : undefined,
    os: osInfo
      ? { platform: osInfo.platform, arch: osInfo.arch, release: osInfo.release }
      : { platform: os.platform(), arch: os.arch(), release: os.release() },
    errors,
  });
}

/** systeminformation lists every adapter (including virtual ones); node-llama-cpp names the ones it drives. */
function mergeGpus(
  controllers: NonNullable<Awaited<ReturnType<ProbeSources["graphics"]>>>["controllers"],
  llama: LlamaReading | undefined,
): GpuInfo[] {
  const driven = llama && llama.gpu !== false ? llama.deviceNames : [];
  const gpus: GpuInfo[] = controllers.map((c) => {
    const model = c.model ?? "unknown GPU";
    const vramMiB = c.memoryTotal ?? c.vram ?? undefined;
    const isDriven = driven.some((name) => sameDevice(name, model));
    return {
      vendor: c.vendor ?? "unknown",
      model,
      vramBytes: typeof vramMiB === "number" && vramMiB > 0 ? vramMiB * MIB : undefined,
      driver: c.driverVersion || undefined,
      backend: isDriven && llama && llama.gpu !== false ? llama.gpu : undefined,
    };
  });
  // A device node-llama-cpp uses but systeminformation missed (common in containers) still counts.
  for (const name of driven) {
    if (llama && llama.gpu !== false && !gpus.some((g) => sameDevice(name, g.model))) {
      gpus.push({ vendor: "unknown", model: name, backend: llama.gpu });
    }
  }
  return gpus;
}

function sameDevice(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.includes(y) || y.includes(x);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
