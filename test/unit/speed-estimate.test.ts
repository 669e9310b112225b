import { describe, expect, it } from "vitest";
import { expectedSpeed, type SpeedReference } from "../../src-shared/speed-estimate.js";

const GiB = 1024 ** 3;

describe("expected speed on this machine", () => {
  it("is the model's own benchmark when it has one", () => {
    expect(expectedSpeed({ sizeBytes: GiB, fit: "cpu", measuredTokensPerSecond: 12 }, [])).toEqual({
      tokensPerSecond: 12,
      source: "measured",
    });
  });

  it("scales a model measured with the same placement by size (bandwidth-bound generation)", () => {
    const refs: SpeedReference[] = [
      { sizeBytes: 1 * GiB, tokensPerSecond: 40, fit: "gpu" },
      { sizeBytes: 1 * GiB, tokensPerSecond: 10, fit: "cpu" },
    ];
    expect(expectedSpeed({ sizeBytes: 4 * GiB, fit: "gpu" }, refs)).toEqual({
      tokensPerSecond: 10,
      source: "estimated",
    });
    // A partial offload is estimated from host-side measurements, never from a GPU one.
    expect(expectedSpeed({ sizeBytes: 2 * GiB, fit: "partial" }, refs)).toEqual({
      tokensPerSecond: 5,
      source: "estimated",
    });
    expect(expectedSpeed({ sizeBytes: 0.5 * GiB, fit: "cpu" }, refs)).toEqual({
      tokensPerSecond: 20,
      source: "estimated",
    });
  });

  it("prefers the reference closest in size", () => {
    const refs: SpeedReference[] = [
      { sizeBytes: 0.1 * GiB, tokensPerSecond: 300, fit: "cpu" },
      { sizeBytes: 3 * GiB, tokensPerSecond: 6, fit: "cpu" },
    ];
    expect(expectedSpeed({ sizeBytes: 6 * GiB, fit: "cpu" }, refs)?.tokensPerSecond).toBe(3);
  });

  it("guesses nothing without a measurement of the same placement, or for a model that does not run", () => {
    const gpuOnly: SpeedReference[] = [{ sizeBytes: GiB, tokensPerSecond: 40, fit: "gpu" }];
    expect(expectedSpeed({ sizeBytes: GiB, fit: "cpu" }, gpuOnly)).toBeUndefined();
    expect(
      expectedSpeed({ sizeBytes: GiB, fit: "too-large" }, [{ sizeBytes: GiB, tokensPerSecond: 9, fit: "cpu" }]),
    ).toBeUndefined();
    expect(expectedSpeed({ sizeBytes: GiB }, gpuOnly)).toBeUndefined();
    expect(expectedSpeed({ fit: "gpu" }, gpuOnly)).toBeUndefined();
  });
});
