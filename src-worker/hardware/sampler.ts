import si from "systeminformation";
import { HardwareSample } from "../../src-shared/hardware.js";
import type { GraphicsReading } from "./sources.js";

const MIB = 1024 * 1024;

/**
 * Dashboard readings. CPU load, memory and temperature are cheap (/proc and sysfs on Linux), but
 * graphics() shells out to nvidia-smi / PowerShell and can take hundreds of milliseconds, so GPU
 * figures are refreshed only every `graphicsEvery`-th sample and reused in between.
 */
export interface SamplerSources {
  currentLoad(): Promise<{ currentLoad: number }>;
  mem(): Promise<{ total: number; available: number }>;
  cpuTemperature(): Promise<{ main: number | null }>;
  graphics(): Promise<GraphicsReading>;
}

const defaultSources: SamplerSources = {
  currentLoad: () => si.currentLoad(),
  mem: () => si.mem(),
  cpuTemperature: () => si.cpuTemperature(),
  graphics: () => si.graphics(),
};

export interface HardwareSampler {
  sample(): Promise<HardwareSample>;
  /** How many times graphics() was actually called (for tests and the bench). */
  readonly graphicsCalls: number;
}

export function createHardwareSampler(
  opts: { sources?: Partial<SamplerSources>; graphicsEvery?: number } = {},
): HardwareSampler {
  const src: SamplerSources = { ...defaultSources, ...opts.sources };
  const every = Math.max(1, Math.floor(opts.graphicsEvery ?? 3));
  let count = 0;
  let graphicsCalls = 0;
  let gpu: GpuFigures = {};

  return {
    get graphicsCalls() {
      return graphicsCalls;
    },
    async sample() {
      const refreshGpu = count % every === 0;
      count++;
      const [load, mem, temp, graphics] = await Promise.allSettled([
        src.currentLoad(),
        src.mem(),
        src.cpuTemperature(),
        refreshGpu ? (graphicsCalls++, src.graphics()) : Promise.resolve(undefined),
      ]);
      // CPU and memory are the reading's core: without them there is no sample, only an error.
      if (load.status === "rejected") throw load.reason;
      if (mem.status === "rejected") throw mem.reason;
      if (graphics.status === "fulfilled" && graphics.value) gpu = gpuFigures(graphics.value);
      else if (graphics.status === "rejected") gpu = {};
      const cpuTemp =
        temp.status === "fulfilled" && typeof temp.value.main === "number" && Number.isFinite(temp.value.main)
          ? temp.value.main
          : undefined;
      return HardwareSample.parse({
        at: Date.now(),
        cpuPercent: clampPercent(load.value.currentLoad),
        ramUsedBytes: Math.max(0, mem.value.total - mem.value.available),
        ramTotalBytes: mem.value.total,
        gpuPercent: gpu.percent,
        vramUsedBytes: gpu.vramUsed,
        temperatureC: cpuTemp ?? gpu.temperature,
        powerW: gpu.power,
      });
    },
  };
}

interface GpuFigures {
  percent?: number;
  vramUsed?: number;
  temperature?: number;
  power?: number;
}

/** Figures of the busiest controller that reports any (the one doing the inference). */
function gpuFigures(reading: GraphicsReading): GpuFigures {
  const reporting = reading.controllers.filter(
    (c) => typeof c.utilizationGpu === "number" || typeof c.memoryUsed === "number",
  );
  const busiest = reporting.sort((a, b) => (b.utilizationGpu ?? 0) - (a.utilizationGpu ?? 0))[0];
  if (!busiest) return {};
  return {
    percent: typeof busiest.utilizationGpu === "number" ? clampPercent(busiest.utilizationGpu) : undefined,
    vramUsed: typeof busiest.memoryUsed === "number" ? busiest.memoryUsed * MIB : undefined,
    temperature: busiest.temperatureGpu,
    power: typeof busiest.powerDraw === "number" && busiest.powerDraw >= 0 ? busiest.powerDraw : undefined,
  };
}

function clampPercent(n: number): number {
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0;
}

let shared: HardwareSampler | undefined;

/** One reading from a process-wide sampler (so the graphics cache is shared by every caller). */
export function sampleHardware(): Promise<HardwareSample> {
  shared ??= createHardwareSampler();
  return shared.sample();
}

/**
 * Samples every `intervalMs` until stopped. The next sample is scheduled only after the previous
 * one finished, so a slow reading never piles up calls.
 */
export function createSampler(
  intervalMs: number,
  onSample: (sample: HardwareSample) => void,
  opts: { sampler?: HardwareSampler; onError?: (err: unknown) => void } = {},
): () => void {
  const sampler = opts.sampler ?? createHardwareSampler();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      const s = await sampler.sample();
      if (!stopped) onSample(s);
    } catch (err) {
      opts.onError?.(err);
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
