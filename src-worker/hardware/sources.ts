import si from "systeminformation";
import type { Llama } from "node-llama-cpp";

/**
 * The raw readings a hardware probe merges, one function per source so that tests can replace any
 * of them (a hanging or failing source must never sink the whole probe). Shapes are the subset of
 * systeminformation / node-llama-cpp fields that the probe reads.
 */
export interface GraphicsReading {
  controllers: Array<{
    vendor?: string;
    model?: string;
    /** MiB, as systeminformation reports it. */
    vram?: number | null;
    driverVersion?: string;
    memoryTotal?: number;
    memoryUsed?: number;
    utilizationGpu?: number;
    temperatureGpu?: number;
    powerDraw?: number;
  }>;
}

export interface CpuReading {
  brand: string;
  manufacturer?: string;
  physicalCores: number;
  cores: number;
  /** GHz. */
  speed?: number;
}

export interface MemReading {
  total: number;
  available: number;
  used?: number;
  active?: number;
}

export interface TemperatureReading {
  main: number | null;
}

export interface OsReading {
  platform: string;
  arch: string;
  release: string;
}

export interface LlamaReading {
  /** node-llama-cpp's `llama.gpu`: false on CPU. */
  gpu: false | "cuda" | "vulkan" | "metal";
  vram?: { total: number; used: number; free: number };
  deviceNames: string[];
}

export interface ProbeSources {
  graphics(): Promise<GraphicsReading>;
  cpu(): Promise<CpuReading>;
  mem(): Promise<MemReading>;
  cpuTemperature(): Promise<TemperatureReading>;
  osInfo(): Promise<OsReading>;
  llama(): Promise<LlamaReading>;
}

export function defaultProbeSources(opts: { llama?: Llama } = {}): ProbeSources {
  return {
    graphics: () => si.graphics(),
    cpu: () => si.cpu(),
    mem: () => si.mem(),
    cpuTemperature: () => si.cpuTemperature(),
    osInfo: () => si.osInfo(),
    llama: async () => readLlama(opts.llama ?? (await loadLlama())),
  };
}

async function loadLlama(): Promise<Llama> {
  // Imported lazily: node-llama-cpp is ESM-heavy and loads a native binary; the other sources
  // must not wait for it.
  const { getLlama } = await import("node-llama-cpp");
  return getLlama({ build: "never", gpu: "auto" });
}

export async function readLlama(llama: Llama): Promise<LlamaReading> {
  const [vram, deviceNames] = await Promise.all([llama.getVramState(), llama.getGpuDeviceNames()]);
  return {
    gpu: llama.gpu,
    vram: llama.gpu === false ? undefined : { total: vram.total, used: vram.used, free: vram.free },
    deviceNames,
  };
}
