// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import type { ModelListEntry } from "../../src-shared/app-views.js";
import App from "../../src-renderer/src/App.svelte";
import { previewTask } from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain } from "./renderer-fake-main.js";

// Issue 17 item 8: the pages a hobbyist reads at a glance.
const loc = () => (globalThis as unknown as { location: { hash: string } }).location;
beforeEach(() => {
  loc().hash = "";
});

const models: ModelListEntry[] = [
  {
    id: "qwen-small",
    name: "Qwen Small",
    installed: false,
    active: false,
    role: "chat",
    sizeBytes: 400 * 1024 ** 2,
    fit: "gpu",
    fitReason: "needs 600 MiB VRAM with headroom",
    quantization: "Q4_K_M",
    license: "Apache-2.0",
    expectedSpeed: { tokensPerSecond: 80, source: "estimated" },
  },
  // A model file given on the command line: nothing known but its name and its benchmark.
  {
    id: "my-file",
    name: "My File",
    installed: true,
    active: true,
    expectedSpeed: { tokensPerSecond: 42, source: "measured" },
  },
];

describe("pages at a glance", () => {
  it("the Models page shows each entry's fit, quantization, licence, purpose and speed here, and no stray –", async () => {
    const main = fakeMain({ activeModelId: "my-file" }, () => ({ listModels: () => models }));
    render(App, { client: main.client });
    await screen.findByRole("heading", { name: "Dashboard" });
    loc().hash = "#/models";
    await screen.findByRole("heading", { name: "Models", level: 1 });
    const facts = await screen.findByLabelText("About Qwen Small");
    const text = (label: string) => within(facts).getByText(label).nextElementSibling?.textContent;
    expect(text("Quantization")).toBe("Q4_K_M");
    expect(text("Licence")).toBe("Apache-2.0");
    expect(text("Purpose")).toMatch(/serves tasks/);
    expect(text("Speed here")).toMatch(/about 80.0 tokens\/s/);
    expect(screen.getByText("Fits on GPU")).toBeTruthy();

    const active = screen
      .getAllByText("My File")
      .map((e) => e.closest("li"))
      .find((li) => li !== null)!;
    expect(within(active).getByText("Active")).toBeTruthy();
    expect(within(active).getByText("42.0 tokens/s measured")).toBeTruthy();
    expect(active.textContent).not.toContain("–");
  });

  it("labels the creator's share of a background task 'creator' in the live list and the history", async () => {
    const tasks = [
      previewTask("16#255", "Commit", { kind: "background" }),
      previewTask("16#0", "Commit", { kind: "background", updatedAt: 1 }),
    ];
    const main = fakeMain({ tasks }, () => ({ listTasks: () => ({ total: 2, rows: tasks }) }));
    render(App, { client: main.client });
    const region = await screen.findByRole("region", { name: "Live tasks" });
    expect(
      within(region)
        .getAllByRole("link")
        .map((a) => a.textContent),
    ).toEqual(["16 · creator", "16#0"]);
    expect(screen.getByRole("list", { name: "PoUW states of task 16 · creator" })).toBeTruthy();
    loc().hash = "#/tasks";
    await screen.findByRole("heading", { name: "Tasks", level: 1 });
    const table = await screen.findByRole("table");
    const links = await within(table).findAllByRole("link");
    expect(links.map((a) => a.textContent)).toEqual(["16 · creator", "16#0"]);
    expect(table.textContent).not.toContain("16#255");
    // The link still addresses the task by its id.
    expect(links[0]!.getAttribute("href")).toBe("#/tasks/16%23255");
  });
});
