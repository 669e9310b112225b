// @vitest-environment jsdom
import { render, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import Chart from "../../src-renderer/src/lib/charts/Chart.svelte";

// jsdom has no canvas, so uPlot itself cannot run here: a recording stand-in takes its place.
const made: { data: unknown[]; setData: unknown[][] }[] = [];
vi.mock("../../src-renderer/src/lib/charts/uplot-loader.js", () => {
  class FakePlot {
    static paths = { bars: () => () => null };
    record: { data: unknown[]; setData: unknown[][] };
    constructor(_opts: unknown, data: unknown[]) {
      this.record = { data, setData: [] };
      made.push(this.record);
    }
    setData(data: unknown[]) {
      this.record.setData.push(data);
    }
    setSize() {}
    destroy() {}
  }
  return { default: FakePlot };
});
(globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
  observe() {}
  disconnect() {}
};

describe("Chart", () => {
  it("hands data that arrives after the library loaded to the plot", async () => {
    const series = [{ label: "CPU", color: "#d97706" }];
    const { rerender } = render(Chart, { label: "CPU over time", series, data: [[], []] });
    await waitFor(() => expect(made).toHaveLength(1));
    expect(made[0]!.data).toEqual([[], []]);
    await rerender({ label: "CPU over time", series, data: [[1, 2], [40, 60]] });
    await waitFor(() => expect(made[0]!.setData.at(-1)).toEqual([[1, 2], [40, 60]]));
  });
});
