// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskFilter } from "../../src-shared/app-views.js";
import App from "../../src-renderer/src/App.svelte";
import {
  previewSample,
  previewTask,
  previewTaskDetail,
  wei,
} from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain } from "./renderer-fake-main.js";

// Review fixes that jsdom can see: model names and sub-second times on a task, the stepper's kinds,
// the history following the snapshot, hardware without a reading, fee estimates that settle.
const g = globalThis as unknown as { location: { hash: string } };
const open = async (hash: string, heading: string) => {
  g.location.hash = hash;
  return screen.findByRole("heading", { name: heading, level: 1 });
};
const MODEL_ID = "0x14e4c7b0da5b2a7e22a1ea275307bb9af7b29286778d9e2660647e71a281b77c";

beforeEach(() => {
  g.location.hash = "";
});
afterEach(() => vi.useRealTimers());

describe("task detail", () => {
  it("names the model (the id stays in the title), shows a fast inference in ms and marks the states by kind", async () => {
    const stamps = (["Start", "Precommit", "Commit", "End"] as const).map((state, i) => ({
      state,
      at: 1_700_000_000_000 + i,
    }));
    const detail = previewTaskDetail("1#0", {
      modelId: MODEL_ID,
      modelName: "Tiny Llama",
      tokens: 32,
      inferenceMs: 17,
      states: stamps,
    });
    const main = fakeMain({}, () => ({ getTask: () => detail }));
    render(App, { client: main.client });
    await open("#/tasks/1%230", "Task 1#0");
    const model = await screen.findByText("Tiny Llama");
    expect(model.getAttribute("title")).toBe(MODEL_ID);
    expect(screen.getByText("32 in 17 ms")).toBeTruthy();
    const steps = within(screen.getByRole("list", { name: "PoUW states of task 1#0" })).getAllByRole("listitem");
    expect(
      steps.map((s) =>
        s.className.split(" ").find((c: string) => ["before", "done", "current", "complete", "pending"].includes(c)),
      ),
    ).toEqual(["before", "before", "before", "done", "done", "done", "complete"]);
    expect(steps.at(-1)!.getAttribute("aria-current")).toBe("step");
    expect(steps[0]!.getAttribute("title")).toMatch(/before this miner was assigned/);
  });

  it("shortens an id main has no name for", async () => {
    const main = fakeMain({}, () => ({ getTask: () => previewTaskDetail("1#0", { modelId: MODEL_ID }) }));
    render(App, { client: main.client });
    await open("#/tasks/1%230", "Task 1#0");
    expect((await screen.findByText("0x14e4c7…81b77c")).getAttribute("title")).toBe(MODEL_ID);
  });
});

describe("tasks page", () => {
  it("asks for the same page and filter again when the snapshot's tasks change", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => previewTask(`${100 - i}#0`, "End", { outcome: "Completed" }));
    const main = fakeMain({}, () => ({
      listTasks: (f: TaskFilter) => ({
        total: rows.length,
        rows: rows.slice(f.offset ?? 0, (f.offset ?? 0) + (f.limit ?? 25)),
      }),
    }));
    render(App, { client: main.client });
    await open("#/tasks", "Tasks");
    await screen.findByRole("table");
    await fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "Completed" } });
    await fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getByText(/Page 2 of 2/)).toBeTruthy());
    const asked = () => main.client.calls.filter((c) => c.method === "listTasks").map((c) => c.params);
    const before = asked().length;

    rows.unshift(previewTask("101#0", "End", { outcome: "Completed" }));
    main.update({ tasks: [rows[0]!] });
    await waitFor(() => expect(asked()).toHaveLength(before + 1));
    expect(asked().at(-1)).toEqual({ offset: 25, limit: 25, outcome: "Completed" });
    await waitFor(() => expect(screen.getByText(/31 tasks/)).toBeTruthy());
    expect((screen.getByLabelText("Outcome") as unknown as { value: string }).value).toBe("Completed");
    // A patch that changes no task asks nothing.
    main.update({ mining: { state: "mining", reason: "Serving" } });
    await new Promise((r) => setTimeout(r, 50));
    expect(asked()).toHaveLength(before + 1);
  });
});

describe("hardware panel", () => {
  it("says a reading this machine does not have is not available instead of drawing empty axes", async () => {
    const main = fakeMain({}, () => ({ getSamples: () => [previewSample(1000), previewSample(2000)] }));
    render(App, { client: main.client });
    const region = await screen.findByRole("region", { name: "Hardware" });
    await waitFor(() => expect(within(region).getByTestId("metric-CPU").textContent).toBe("37%"));
    // The preview samples have no GPU or VRAM reading, but CPU, RAM, temperature and tokens/s.
    expect(within(region).getAllByText("Not available on this machine")).toHaveLength(2);
    expect(within(region).queryByRole("figure", { name: "GPU over time" })).toBeNull();
    expect(within(region).getByRole("figure", { name: "CPU over time" })).toBeTruthy();
  });
});

describe("fee estimates", () => {
  const wallet = {
    address: "0x" + "2".repeat(40),
    nativeWei: wei(0.5),
    tokenWei: wei(40),
    stakeWei: wei(100),
    claimableWei: "0",
    backedUp: true,
    updatedAt: Date.now(),
  };
  const registration = { registered: true, stakeWei: wei(100), minStakeWei: wei(100), models: [], speed: 10 };

  it("settles on a one-line error when main never answers", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const main = fakeMain({ wallet, registration }, () => ({
      estimateAction: () => new Promise<never>(() => undefined),
    }));
    render(App, { client: main.client });
    await open("#/wallet", "Wallet");
    const stake = screen.getByRole("region", { name: "Stake" });
    expect(within(stake).getByText("Estimating the fee…")).toBeTruthy();
    // The first estimate is asked for at once, not after the typing pause.
    expect(main.client.calls.filter((c) => c.method === "estimateAction").map((c) => c.params)).toEqual([
      { action: "unbond" },
    ]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await within(stake).findByText(/Estimated fee unavailable: the miner did not answer in time/)).toBeTruthy();
    expect(within(stake).queryByText("Estimating the fee…")).toBeNull();
  });
});
