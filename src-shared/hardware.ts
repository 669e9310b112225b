import { z } from "zod";

/**
 * What this machine offers for inference, as seen by systeminformation and node-llama-cpp together.
 * It crosses from the worker (which owns node-llama-cpp) to main and the dashboard. Every field a
 * probe could not read is absent, never guessed; the probe that failed is named in `errors`.
 */
export const GpuBackend = z.enum(["cuda", "vulkan", "metal", "cpu"]);
export type GpuBackend = z.infer<typeof GpuBackend>;

export const GpuInfo = z.object({
  vendor: z.string(),
  model: z.string(),
  vramBytes: z.number().nonnegative().optional(),
  driver: z.string().optional(),
  /** The node-llama-cpp backend that drives this device, when one does. */
  backend: GpuBackend.optional(),
});
export type GpuInfo = z.infer<typeof GpuInfo>;

export const VramState = z.object({
  total: z.number().nonnegative(),
  used: z.number().nonnegative(),
  free: z.number().nonnegative(),
});
export type VramState = z.infer<typeof VramState>;

export const CpuInfo = z.object({
  brand: z.string(),
  physicalCores: z.number().int().positive(),
  logicalCores: z.number().int().positive(),
  speedGHz: z.number().positive().optional(),
});
export type CpuInfo = z.infer<typeof CpuInfo>;

export const ProbeError = z.object({ source: z.string(), message: z.string() });
export type ProbeError = z.infer<typeof ProbeError>;

export const HardwareProbe = z.object({
  gpus: z.array(GpuInfo),
  /** The backend node-llama-cpp picked; "cpu" when it found no usable GPU (or could not be asked). */
  backend: GpuBackend,
  /** node-llama-cpp's own VRAM view (the one that matters for offload), absent on CPU. */
  vram: VramState.optional(),
  cpu: CpuInfo,
  memory: z.object({ totalBytes: z.number().nonnegative(), freeBytes: z.number().nonnegative() }),
  temperatures: z.object({ cpuC: z.number().optional(), gpuC: z.number().optional() }).optional(),
  os: z.object({ platform: z.string(), arch: z.string(), release: z.string() }),
  errors: z.array(ProbeError),
});
export type HardwareProbe = z.infer<typeof HardwareProbe>;

/** One dashboard reading, cheap enough to take every few seconds. */
export const HardwareSample = z.object({
  /** Milliseconds since the epoch. */
  at: z.number(),
  gpuPercent: z.number().min(0).max(100).optional(),
  vramUsedBytes: z.number().nonnegative().optional(),
  cpuPercent: z.number().min(0).max(100),
  ramUsedBytes: z.number().nonnegative(),
  ramTotalBytes: z.number().nonnegative(),
  temperatureC: z.number().optional(),
  powerW: z.number().nonnegative().optional(),
});
export type HardwareSample = z.infer<typeof HardwareSample>;
