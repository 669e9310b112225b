// @vitest-environment jsdom
import { render, screen, waitFor, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import App from "../../src-renderer/src/App.svelte";
import { createMemoryClient } from "../../src-renderer/src/lib/client/memory-client.js";
import { previewEarnings, previewSample, previewTask } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { previewSnapshot } from "../../src-renderer/src/lib/client/preview-snapshot.js";

const loc = () => (globalThis as unknown as { location: { hash: string } }).location;

beforeEach(() => {
  loc().hash = "";
});

describe("app shell and dashboard", () => {
  it("shows the main navigation and the dashboard by default", async () => {
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 0, snapshot: previewSnapshot() }) });
    render(App, { client });
    expect(await screen.findByRole("heading", { name: "Dashboard" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    const names = within(nav)
      .getAllByRole("link")
      .map((a) => a.textContent);
    expect(names).toEqual(["Dashboard", "Tasks", "Models", "Wallet", "Settings", "Logs"]);
    expect(within(nav).getByRole("link", { name: "Dashboard" }).getAttribute("aria-current")).toBe("page");
    expect(screen.getByText("No tasks yet", { exact: false })).toBeTruthy();
  });

  it("follows the hash route", async () => {
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 0, snapshot: previewSnapshot() }) });
    render(App, { client });
    await screen.findByRole("heading", { name: "Dashboard" });
    loc().hash = "#/settings";
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Settings" }).getAttribute("aria-current")).toBe("page");
  });

  it("marks each live task's current PoUW state and counts down to its deadline", async () => {
    const deadlineAt = Date.now() + 125_000;
    const tasks = [previewTask("7#0", "Precommit", { deadlineAt }), previewTask("8#1", "Request", { updatedAt: 1 })];
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 0, snapshot: previewSnapshot({ tasks }) }) });
    render(App, { client });
    const region = await screen.findByRole("region", { name: "Live tasks" });
    const items = within(region)
      .getAllByRole("listitem")
      .filter((li) => li.parentElement?.tagName === "UL");
    expect(items.map((li) => within(li).getByRole("link").textContent)).toEqual(["7#0", "8#1"]);
    const stepper = screen.getByRole("list", { name: "PoUW states of task 7#0" });
    const steps = within(stepper).getAllByRole("listitem");
    expect(steps.map((s) => s.textContent?.trim())).toEqual([
      "Request",
      "Create",
      "Prepare",
      "Start",
      "Precommit",
      "Commit",
      "End",
    ]);
    expect(steps.filter((s) => s.getAttribute("aria-current") === "step").map((s) => s.textContent?.trim())).toEqual([
      "Precommit",
    ]);
    expect(within(items[0]!).getByText(/Deadline in/).textContent).toMatch(/2:0[45]/);

    client.emit("patch", { rev: 1, ops: [{ op: "replace", path: "/tasks/0/stage", value: "Commit" }] });
    await waitFor(() => {
      const current = within(screen.getByRole("list", { name: "PoUW states of task 7#0" })).getByText("Commit");
      expect(current.getAttribute("aria-current")).toBe("step");
    });
  });

  it("shows earnings by period, user-paid against network-paid, gas and the projection", async () => {
    const client = createMemoryClient({
      getSnapshot: () => ({ rev: 0, snapshot: previewSnapshot({ earnings: previewEarnings() }) }),
    });
    render(App, { client });
    const region = await screen.findByRole("region", { name: "Earnings" });
    const row = (name: string) => within(region).getByRole("row", { name: new RegExp(`^${name}`) });
    expect(
      within(row("Rewards"))
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["2 POUW", "8 POUW", "12 POUW"]);
    expect(within(row("User-paid")).getAllByRole("cell")[0]!.textContent).toBe("1.5 POUW");
    expect(within(row("Network-paid")).getAllByRole("cell")[0]!.textContent).toBe("0.5 POUW");
    expect(within(row("Gas spent")).getAllByRole("cell")[0]!.textContent).toBe("0.002 ETH");
    expect(region.textContent).toMatch(/projected 3 POUW per day/);
  });

  it("seeds the hardware charts from getSamples and follows the sample channel", async () => {
    const client = createMemoryClient({
      getSnapshot: () => ({ rev: 0, snapshot: previewSnapshot() }),
      getSamples: () => [previewSample(1000, { cpuPercent: 20 })],
    });
    render(App, { client });
    const region = await screen.findByRole("region", { name: "Hardware" });
    await waitFor(() => expect(within(region).getByTestId("metric-CPU").textContent).toBe("20%"));
    expect(within(region).getByTestId("metric-Tokens/s").textContent).toBe("42.0 tokens/s");
    expect(within(region).getByTestId("metric-GPU").textContent).toBe("–");
    client.emit("sample", previewSample(2000, { cpuPercent: 75, temperatureC: 70 }));
    await waitFor(() => expect(within(region).getByTestId("metric-CPU").textContent).toBe("75%"));
    expect(within(region).getByTestId("metric-Temperature").textContent).toBe("70 °C");
  });
});
