import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseThreads, threadCandidates } from "../../src-shared/threads.js";

describe("chooseThreads", () => {
  it("uses one thread on a 2-core machine (4 threads measured ~700x slower there)", () => {
    expect(chooseThreads({ physicalCores: 2, logicalCores: 2 })).toBe(1);
    expect(chooseThreads({ physicalCores: 2, logicalCores: 4 })).toBe(1);
  });

  it("leaves one physical core for the desktop and ignores hyper-threads", () => {
    expect(chooseThreads({ physicalCores: 8, logicalCores: 16 })).toBe(7);
    expect(chooseThreads({ physicalCores: 4, logicalCores: 4 })).toBe(3);
  });

  it("never goes below one, even for nonsense probes", () => {
    expect(chooseThreads({ physicalCores: 1, logicalCores: 1 })).toBe(1);
    expect(chooseThreads({ physicalCores: 0, logicalCores: 0 })).toBe(1);
    expect(chooseThreads({ physicalCores: Number.NaN, logicalCores: 4 })).toBe(1);
  });

  it("is within [1, physical cores] and below logical cores for any machine", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 512 }), (physicalCores, logicalCores) => {
        const n = chooseThreads({ physicalCores, logicalCores });
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(Math.max(1, Math.min(physicalCores, logicalCores)));
        if (Math.min(physicalCores, logicalCores) > 1) expect(n).toBeLessThan(Math.min(physicalCores, logicalCores));
      }),
    );
  });
});

describe("threadCandidates", () => {
  it("sweeps 1, powers of two, the choice and all cores, ascending without repeats", () => {
    expect(threadCandidates({ physicalCores: 8, logicalCores: 16 })).toEqual([1, 2, 4, 7, 8]);
    expect(threadCandidates({ physicalCores: 2, logicalCores: 2 })).toEqual([1, 2]);
    expect(threadCandidates({ physicalCores: 1, logicalCores: 1 })).toEqual([1]);
  });

  it("always contains chooseThreads and never exceeds physical cores", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 128 }), (cores) => {
        const c = threadCandidates({ physicalCores: cores, logicalCores: cores * 2 });
        expect(c).toContain(chooseThreads({ physicalCores: cores, logicalCores: cores * 2 }));
        expect(Math.max(...c)).toBe(cores);
        expect([...c].sort((a, b) => a - b)).toEqual(c);
        expect(new Set(c).size).toBe(c.length);
      }),
    );
  });
});
