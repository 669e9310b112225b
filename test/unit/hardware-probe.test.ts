import os from "node:os";
import { describe, expect, it } from "vitest";
import { HardwareProbe } from "../../src-shared/hardware.js";
import { probeHardware, probeHardwareFrom } from "../../src-worker/hardware/probe.js";
import type { ProbeSources } from "../../src-worker/hardware/sources.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function sources(over: Partial<ProbeSources> = {}): ProbeSources {
  return {
    graphics: async () => ({
      controllers: [
        {
          vendor: "NVIDIA",
          model: "NVIDIA GeForce RTX 4070",
          vram: 12282,
          driverVersion: "550.54",
          temperatureGpu: 41,
        },
        { vendor: "Intel", model: "UHD Graphics 770", vram: 256 },
      ],
    }),
    cpu: async () => ({ brand: "Ryzen 7 7700", manufacturer: "AMD", physicalCores: 8, cores: 16, speed: 3.8 }),
    mem: async () => ({ total: 32 * GiB, available: 20 * GiB }),
    cpuTemperature: async () => ({ main: 55 }),
    osInfo: async () => ({ platform: "linux", arch: "x64", release: "6.8.0" }),
    llama: async () => ({
      gpu: "cuda",
      vram: { total: 12 * GiB, used: 1 * GiB, free: 11 * GiB },
      deviceNames: ["NVIDIA GeForce RTX 4070"],
    }),
    ...over,
  };
}

const fail = (message: string) => async (): Promise<never> => {
  throw new Error(`${message}\nstack-like second line`);
};
const hang = () => new Promise<never>(() => undefined);

describe("probeHardwareFrom", () => {
  it("merges systeminformation with node-llama-cpp's view of the GPU", async () => {
    const p = await probeHardwareFrom(sources());
    expect(HardwareProbe.safeParse(p).success).toBe(true);
    expect(p.backend).toBe("cuda");
    expect(p.vram).toEqual({ total: 12 * GiB, used: 1 * GiB, free: 11 * GiB });
    expect(p.gpus).toEqual([
      { vendor: "NVIDIA", model: "NVIDIA GeForce RTX 4070", vramBytes: 12282 * MiB, driver: "550.54", backend: "cuda" },
      { vendor: "Intel", model: "UHD Graphics 770", vramBytes: 256 * MiB, driver: undefined, backend: undefined },
    ]);
    expect(p.cpu).toEqual({ brand: "AMD Ryzen 7 7700", physicalCores: 8, logicalCores: 16, speedGHz: 3.8 });
    expect(p.memory).toEqual({ totalBytes: 32 * GiB, freeBytes: 20 * GiB });
    expect(p.temperatures).toEqual({ cpuC: 55, gpuC: 41 });
    expect(p.errors).toEqual([]);
  });

  it("survives failing and hanging sources, naming each in errors", async () => {
    const p = await probeHardwareFrom(
      sources({ graphics: fail("nvidia-smi not found"), llama: fail("no prebuilt binary"), cpuTemperature: hang }),
      { timeoutMs: 50 },
    );
    expect(p.backend).toBe("cpu");
    expect(p.vram).toBeUndefined();
    expect(p.gpus).toEqual([]);
    expect(p.temperatures).toBeUndefined();
    expect(p.cpu.physicalCores).toBe(8);
    expect(p.errors).toEqual([
      { source: "graphics", message: "nvidia-smi not found" },
      { source: "cpuTemperature", message: "cpuTemperature did not answer within 50 ms" },
      { source: "llama", message: "no prebuilt binary" },
    ]);
  });

  it("falls back to node:os for CPU, memory and OS, assuming hyper-threading for cores", async () => {
    const p = await probeHardwareFrom(sources({ cpu: fail("x"), mem: fail("y"), osInfo: fail("z") }));
    expect(p.errors.map((e) => e.source)).toEqual(["cpu", "mem", "osInfo"]);
    expect(p.cpu.logicalCores).toBe(os.availableParallelism());
    expect(p.cpu.physicalCores).toBe(Math.max(1, Math.floor(os.availableParallelism() / 2)));
    expect(p.memory.totalBytes).toBe(os.totalmem());
    expect(p.os).toEqual({ platform: os.platform(), arch: os.arch(), release: os.release() });
  });

  it("keeps a GPU that node-llama-cpp drives but systeminformation missed", async () => {
    const p = await probeHardwareFrom(sources({ graphics: async () => ({ controllers: [] }) }));
    expect(p.gpus).toEqual([{ vendor: "unknown", model: "NVIDIA GeForce RTX 4070", backend: "cuda" }]);
  });

  it("every source failing at once still yields a valid probe", async () => {
    const all = {
      graphics: fail("a"),
      cpu: fail("b"),
      mem: fail("c"),
      cpuTemperature: fail("d"),
      osInfo: fail("e"),
      llama: fail("f"),
    };
    const p = await probeHardwareFrom(all);
    expect(HardwareProbe.safeParse(p).success).toBe(true);
    expect(p.errors).toHaveLength(6);
  });
});

describe("probeHardware on this machine", () => {
  it("reads the real CPU and memory and picks a backend", async () => {
    const p = await probeHardware();
    expect(p.cpu.logicalCores).toBe(os.availableParallelism());
    expect(p.cpu.physicalCores).toBeLessThanOrEqual(p.cpu.logicalCores);
    expect(p.memory.totalBytes).toBe(os.totalmem());
    expect(["cuda", "vulkan", "metal", "cpu"]).toContain(p.backend);
    if (p.backend === "cpu") expect(p.vram).toBeUndefined();
  });
});
