import os from "node:os";
import { describe, expect, it } from "vitest";
import { HardwareSample } from "../../src-shared/hardware.js";
import {
  createHardwareSampler,
  createSampler,
  sampleHardware,
  type SamplerSources,
} from "../../src-worker/hardware/sampler.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function fakeSources(over: Partial<SamplerSources> = {}): Partial<SamplerSources> {
  let gpuLoad = 10;
  return {
    currentLoad: async () => ({ currentLoad: 37.5 }),
    mem: async () => ({ total: 16 * GiB, available: 6 * GiB }),
    cpuTemperature: async () => ({ main: null }),
    graphics: async () => ({
      controllers: [
        { vendor: "Intel", model: "iGPU" },
        {
          vendor: "NVIDIA",
          model: "RTX",
          utilizationGpu: (gpuLoad += 10),
          memoryUsed: 2048,
          temperatureGpu: 60,
          powerDraw: 120,
        },
      ],
    }),
    ...over,
  };
}

describe("createHardwareSampler", () => {
  it("reads CPU and memory every time but graphics only every Nth sample", async () => {
    const sampler = createHardwareSampler({ sources: fakeSources(), graphicsEvery: 3 });
    const samples = [];
    for (let i = 0; i < 6; i++) samples.push(await sampler.sample());
    expect(sampler.graphicsCalls).toBe(2);
    expect(samples.map((s) => s.gpuPercent)).toEqual([20, 20, 20, 30, 30, 30]);
    for (const s of samples) {
      expect(HardwareSample.safeParse(s).success).toBe(true);
      expect(s).toMatchObject({
        cpuPercent: 37.5,
        ramUsedBytes: 10 * GiB,
        ramTotalBytes: 16 * GiB,
        vramUsedBytes: 2048 * MiB,
        powerW: 120,
      });
      // No CPU sensor: the GPU's temperature is the one worth showing.
      expect(s.temperatureC).toBe(60);
    }
  });

  it("leaves GPU fields out when graphics fails, and fails the sample when CPU load cannot be read", async () => {
    const noGpu = createHardwareSampler({
      sources: fakeSources({ graphics: () => Promise.reject(new Error("no smi")) }),
    });
    const s = await noGpu.sample();
    expect(s.gpuPercent).toBeUndefined();
    expect(s.powerW).toBeUndefined();
    const noLoad = createHardwareSampler({
      sources: fakeSources({ currentLoad: () => Promise.reject(new Error("no /proc")) }),
    });
    await expect(noLoad.sample()).rejects.toThrow("no /proc");
  });
});

describe("createSampler", () => {
  it("delivers samples on an interval until stopped", async () => {
    const got: number[] = [];
    const stop = createSampler(10, (s) => got.push(s.at), {
      sampler: createHardwareSampler({ sources: fakeSources() }),
    });
    await new Promise((r) => setTimeout(r, 120));
    stop();
    const count = got.length;
    expect(count).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(got.length).toBe(count);
  });

  it("reports errors without stopping", async () => {
    const errors: unknown[] = [];
    const stop = createSampler(5, () => undefined, {
      sampler: createHardwareSampler({ sources: fakeSources({ mem: () => Promise.reject(new Error("boom")) }) }),
      onError: (e) => errors.push(e),
    });
    await new Promise((r) => setTimeout(r, 60));
    stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});

describe("sampleHardware on this machine", () => {
  it("returns a valid sample with the real memory size", async () => {
    const s = await sampleHardware();
    expect(HardwareSample.safeParse(s).success).toBe(true);
    expect(s.ramTotalBytes).toBe(os.totalmem());
    expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
  });
});
