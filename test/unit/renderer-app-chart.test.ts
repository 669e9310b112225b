// @vitest-environment jsdom
import { render, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import Chart from "../../src-renderer/src/lib/charts/Chart.svelte";

interface Axis {
  stroke: () => string;
  grid: { stroke?: () => string };
}
interface Record {
  opts: {
    legend: { live: boolean };
    axes: Axis[];
    series: { paths?: unknown }[];
    scales: { x: { range?: () => number[] } };
  };
  data: unknown[];
  setData: unknown[][];
  redraws: number;
}

// jsdom has no canvas, so uPlot itself cannot run here: a recording stand-in takes its place.
const made: Record[] = [];
const barOptions: unknown[] = [];
vi.mock("../../src-renderer/src/lib/charts/uplot-loader.js", () => {
  class FakePlot {
    static paths = {
      bars: (opts: unknown) => {
        barOptions.push(opts);
        return () => null;
      },
    };
    record: Record;
    constructor(opts: Record["opts"], data: unknown[]) {
      this.record = { opts, data, setData: [], redraws: 0 };
      made.push(this.record);
    }
    setData(data: unknown[]) {
      this.record.setData.push(data);
    }
    redraw() {
      this.record.redraws += 1;
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

// The root tsconfig type-checks tests without the DOM library: the few DOM globals used are typed here.
const html = () =>
  (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document
    .documentElement;

afterEach(() => {
  made.length = 0;
  barOptions.length = 0;
  delete html().dataset.theme;
});

describe("Chart", () => {
  it("hands data that arrives after the library loaded to the plot", async () => {
    const series = [{ label: "CPU", color: "#d97706" }];
    const { rerender } = render(Chart, { label: "CPU over time", series, data: [[], []] });
    await waitFor(() => expect(made).toHaveLength(1));
    expect(made[0]!.data).toEqual([[], []]);
    await rerender({
      label: "CPU over time",
      series,
      data: [
        [1, 2],
        [40, 60],
      ],
    });
    await waitFor(() =>
      expect(made[0]!.setData.at(-1)).toEqual([
        [1, 2],
        [40, 60],
      ]),
    );
  });

  it("draws two bar series side by side over a fixed x range, with a legend of labels only", async () => {
    const series = [
      { label: "User-paid", color: "#3b82f6", bars: true, barAlign: -1 as const },
      { label: "Network-paid", color: "#16a34a", bars: true, barAlign: 1 as const },
    ];
    render(Chart, { label: "Earnings", series, data: [[1800], [7.6], [0]], xRange: [0, 3600] as [number, number] });
    await waitFor(() => expect(made).toHaveLength(1));
    expect(barOptions).toEqual([expect.objectContaining({ align: -1 }), expect.objectContaining({ align: 1 })]);
    expect(made[0]!.opts.series.slice(1).every((s) => s.paths !== undefined)).toBe(true);
    expect(made[0]!.opts.scales.x.range?.()).toEqual([0, 3600]);
    // A live legend shows "--" without a cursor.
    expect(made[0]!.opts.legend.live).toBe(false);
  });

  it("reads its axis colours again and redraws when the theme changes", async () => {
    const { container } = render(Chart, {
      label: "CPU over time",
      series: [{ label: "CPU", color: "#d97706" }],
      data: [[1], [5]],
    });
    await waitFor(() => expect(made).toHaveLength(1));
    const plot = container.querySelector(".plot") as unknown as { style: { color: string } };
    const axis = made[0]!.opts.axes[1]!;
    plot.style.color = "rgb(1, 2, 3)";
    // The theme setting pins a theme on <html>; the system's scheme change goes the same way.
    html().dataset.theme = "dark";
    await waitFor(() => expect(made[0]!.redraws).toBe(1));
    expect(axis.stroke()).toBe("rgb(1, 2, 3)");
    expect(axis.grid.stroke?.()).toBe("rgba(1, 2, 3, 0.2)");
    expect(made[0]!.opts.axes[0]!.stroke()).toBe("rgb(1, 2, 3)");
  });
});
