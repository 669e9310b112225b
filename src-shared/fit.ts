import { z } from "zod";
import { roleOf, type CatalogueEntry } from "./catalogue.js";
import type { HardwareProbe } from "./hardware.js";

/**
 * Which catalogue models this machine can run, and how. Pure: the same probe always gives the same
 * answer, so the CLI, the dashboard and tests agree. Memory figures get 20% headroom because KV
 * cache growth, the compute graph and the rest of the desktop all take their share at run time.
 */
export const HEADROOM = 1.2;
/** A partial offload that puts less than this share of the model on the GPU is not worth it. */
const MIN_PARTIAL_SHARE = 0.1;
/** On CPU only, parameters (in billions) worth running per physical core: beyond it tokens crawl. */
const CPU_BILLIONS_PER_CORE = 0.75;

export const Fit = z.enum(["gpu", "partial", "cpu", "too-large"]);
export type Fit = z.infer<typeof Fit>;

export interface FitResult {
  id: string;
  fit: Fit;
  reason: string;
  /** Layers to offload for a partial fit, when the catalogue lists the model's layer count. */
  gpuLayers?: number;
}

export interface FitReport {
  results: FitResult[];
  recommended?: string;
}

export function fitModels(probe: HardwareProbe, catalogue: readonly CatalogueEntry[]): FitReport {
  const results = catalogue.map((entry) => fitOne(probe, entry));
  return { results, recommended: recommend(probe, catalogue, results) };
}

export function fitOne(
  probe: HardwareProbe,
  entry: Pick<CatalogueEntry, "id" | "vramBytes" | "ramBytes" | "layers">,
): FitResult {
  const ramFree = probe.memory.freeBytes;
  const vramFree = gpuFreeBytes(probe);
  const needVram = entry.vramBytes * HEADROOM;
  const needRam = entry.ramBytes * HEADROOM;
  const id = entry.id;

  if (vramFree > 0 && needVram <= vramFree) {
    return {
      id,
      fit: "gpu",
      reason: `needs ${gib(needVram)} VRAM with headroom, ${gib(vramFree)} free on ${probe.backend}`,
    };
  }
  if (vramFree > 0) {
    const gpuShare = vramFree / needVram;
    const ramForRest = needRam * (1 - gpuShare);
    if (gpuShare >= MIN_PARTIAL_SHARE && ramForRest <= ramFree) {
      const gpuLayers = entry.layers === undefined ? undefined : Math.max(1, Math.floor(entry.layers * gpuShare));
      const share = `${Math.round(gpuShare * 100)}%`;
      return {
        id,
        fit: "partial",
        reason: `about ${share} on the GPU (${gib(vramFree)} VRAM free), the rest in RAM`,
        gpuLayers,
      };
    }
  }
  if (needRam <= ramFree) {
    const why = vramFree > 0 ? "too big for the GPU" : "no usable GPU";
    return { id, fit: "cpu", reason: `${why}; needs ${gib(needRam)} RAM with headroom, ${gib(ramFree)} free` };
  }
  return {
    id,
    fit: "too-large",
    reason: `needs ${gib(needRam)} RAM${vramFree > 0 ? ` or ${gib(needVram)} VRAM` : ""} with headroom, only ${gib(ramFree)} RAM${vramFree > 0 ? ` and ${gib(vramFree)} VRAM` : ""} free`,
  };
}

/** VRAM node-llama-cpp can actually use; zero when it runs on CPU. */
function gpuFreeBytes(probe: HardwareProbe): number {
  if (probe.backend === "cpu" || !probe.vram) return 0;
  return probe.vram.free;
}

function recommend(
  probe: HardwareProbe,
  catalogue: readonly CatalogueEntry[],
  results: readonly FitResult[],
): string | undefined {
  const byId = new Map(results.map((r) => [r.id, r.fit] as const));
  const chat = catalogue.filter((e) => roleOf(e) === "chat").sort((a, b) => b.parameters - a.parameters);
  const onGpu = chat.find((e) => byId.get(e.id) === "gpu");
  if (onGpu) return onGpu.id;
  // Without a GPU that holds the whole model, speed is bound by cores: pick the largest model the
  // CPU can still run at a useful rate, or the smallest that runs at all.
  const runnable = chat.filter((e) => byId.get(e.id) === "partial" || byId.get(e.id) === "cpu");
  const budget = probe.cpu.physicalCores * CPU_BILLIONS_PER_CORE * 1e9;
  return (runnable.find((e) => e.parameters <= budget) ?? runnable[runnable.length - 1])?.id;
}

function gib(bytes: number): string {
  // Small models would all read "0.0 GiB".
  if (bytes < 1024 ** 3) return `${Math.ceil(bytes / 1024 ** 2)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
