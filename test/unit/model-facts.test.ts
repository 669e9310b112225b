import { describe, expect, it } from "vitest";
import type { ModelListEntry } from "../../src-shared/app-views.js";
import { modelFacts, modelSpeed } from "../../src-renderer/src/lib/model-facts.js";

const base: ModelListEntry = { id: "q", name: "Q", installed: false, active: false };

describe("what a Models row says", () => {
  it("lists purpose, quantization, size, licence and speed for a catalogue entry", () => {
    const facts = modelFacts({
      ...base,
      role: "chat",
      quantization: "Q4_K_M",
      sizeBytes: 400 * 1024 ** 2,
      license: "Apache-2.0",
      fit: "cpu",
      expectedSpeed: { tokensPerSecond: 21.34, source: "estimated" },
    });
    expect(facts.map((f) => f.label)).toEqual(["Purpose", "Quantization", "Size", "Licence", "Speed here"]);
    expect(facts.find((f) => f.label === "Size")?.value).toBe("400 MiB");
    expect(facts.find((f) => f.label === "Speed here")?.value).toMatch(/^about 21\.3 tokens\/s \(estimated/);
  });

  it("has no empty cell for a model outside the catalogue (the active row's stray –)", () => {
    const facts = modelFacts({ ...base, installed: true, active: true });
    expect(facts).toEqual([]);
    const measured = modelFacts({ ...base, active: true, expectedSpeed: { tokensPerSecond: 42, source: "measured" } });
    expect(measured).toEqual([{ label: "Speed here", value: "42.0 tokens/s measured" }]);
    expect(measured.some((f) => f.value.includes("–"))).toBe(false);
  });

  it("says when a speed is not known or the model cannot run", () => {
    expect(modelSpeed({ fit: "gpu" })).toMatch(/not measured yet/);
    expect(modelSpeed({ fit: "too-large", expectedSpeed: { tokensPerSecond: 1, source: "estimated" } })).toBe(
      "does not run here",
    );
  });
});
