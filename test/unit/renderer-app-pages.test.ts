// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskFilter } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import App from "../../src-renderer/src/App.svelte";
import {
  previewModels,
  previewTask,
  previewTaskDetail,
  wei,
} from "../../src-renderer/src/lib/client/preview-fixtures.js";
import { fakeMain } from "./renderer-fake-main.js";

// The root tsconfig type-checks tests without the DOM library: the few DOM globals used are typed here.
const g = globalThis as unknown as {
  location: { hash: string };
  navigator: object;
  URL: { createObjectURL?: (b: unknown) => string; revokeObjectURL?: (u: string) => void };
};
const ADDRESS = "0x" + "2".repeat(40);
const isDisabled = (name: string) => screen.getByRole("button", { name }).hasAttribute("disabled");
const click = (name: string) => fireEvent.click(screen.getByRole("button", { name }));
const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const open = async (hash: string, heading: string) => {
  g.location.hash = hash;
  return screen.findByRole("heading", { name: heading, level: 1 });
};

let writeText: ReturnType<typeof vi.fn>;
beforeEach(() => {
  g.location.hash = "";
  writeText = vi.fn(() => Promise.resolve());
  Object.defineProperty(g.navigator, "clipboard", { value: { writeText }, configurable: true });
});
afterEach(() => vi.restoreAllMocks());

describe("tasks page", () => {
  const rows = Array.from({ length: 60 }, (_, i) =>
    previewTask(`${100 - i}#0`, "End", {
      outcome: i % 2 ? "Completed" : "Failed",
      kind: i % 3 ? "user" : "background",
    }),
  );
  const listTasks = (f: TaskFilter) => {
    const match = rows.filter((r) => (!f.kind || r.kind === f.kind) && (!f.outcome || r.outcome === f.outcome));
    const offset = f.offset ?? 0;
    return { total: match.length, rows: match.slice(offset, offset + (f.limit ?? 25)) };
  };

  it("pages and filters the history through listTasks and opens a task", async () => {
    const main = fakeMain({}, () => ({ listTasks, getTask: ({ id }) => previewTaskDetail(id) }));
    render(App, { client: main.client });
    await screen.findByRole("heading", { name: "Dashboard" });
    await open("#/tasks", "Tasks");
    const table = await screen.findByRole("table");
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(26));
    expect(screen.getByText(/Page 1 of 3/)).toBeTruthy();
    expect(isDisabled("Previous page")).toBe(true);
    await click("Next page");
    await waitFor(() => expect(screen.getByText(/Page 2 of 3/)).toBeTruthy());
    await fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "Completed" } });
    await waitFor(() => expect(screen.getByText(/Page 1 of 2 · 30 tasks/)).toBeTruthy());
    await fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "background" } });
    await waitFor(() => expect(screen.getByText(/10 tasks/)).toBeTruthy());
    const calls = main.client.calls.filter((c) => c.method === "listTasks").map((c) => c.params);
    expect(calls).toEqual([
      { offset: 0, limit: 25 },
      { offset: 25, limit: 25 },
      { offset: 0, limit: 25, outcome: "Completed" },
      { offset: 0, limit: 25, kind: "background", outcome: "Completed" },
    ]);

    const first = within(table).getAllByRole("link")[0]!;
    const id = first.textContent ?? "";
    expect(id).toBe("97#0");
    await fireEvent.click(first);
    expect(await screen.findByRole("heading", { name: `Task ${id}` })).toBeTruthy();
    expect(g.location.hash).toBe("#/tasks/97%230");
    expect(main.client.calls.find((c) => c.method === "getTask")?.params).toEqual({ id });
    expect(await screen.findByText("Once upon a time")).toBeTruthy();
    expect(screen.getByText("98.0%")).toBeTruthy();
    expect(screen.getByText("1.5 POUW")).toBeTruthy();
    expect(screen.getByText("0.002 ETH")).toBeTruthy();
    expect(screen.getAllByText("0x000000…000000")).toHaveLength(1);
  });

  it("shows the empty state and a one-line error", async () => {
    let fail = false;
    const main = fakeMain({}, () => ({
      listTasks: () => {
        if (fail) throw new PouwError("CHAIN_ERROR", "the chain is not answering");
        return { total: 0, rows: [] };
      },
    }));
    render(App, { client: main.client });
    await screen.findByRole("heading", { name: "Dashboard" });
    await open("#/tasks", "Tasks");
    expect(await screen.findByText(/No tasks yet/)).toBeTruthy();
    fail = true;
    await fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "user" } });
    expect((await screen.findByRole("alert")).textContent).toBe("the chain is not answering");
  });
});

describe("models page", () => {
  it("lists the catalogue with fit badges, deletes, uses and benchmarks", async () => {
    let models = previewModels().map((m) => (m.id === "qwen-small" ? { ...m, installed: true } : m));
    const main = fakeMain({ activeModelId: "tiny-test" }, () => ({
      listModels: () => models,
      deleteModel: ({ id }) => {
        models = models.map((m) => (m.id === id ? { ...m, installed: false } : m));
        return { deleted: true };
      },
      runBenchmark: () => ({ modelId: "tiny-test", tokensPerSecond: 12, at: 0 }),
    }));
    render(App, { client: main.client });
    await open("#/models", "Models");
    expect(await screen.findByRole("button", { name: "Use Qwen Small" })).toBeTruthy();
    expect(screen.getByText("Too large")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Delete Tiny Test" })).toBeNull(); // the active one stays
    await click("Delete Qwen Small");
    expect(await screen.findByRole("button", { name: "Download Qwen Small" })).toBeTruthy();
    expect(main.client.calls.find((c) => c.method === "deleteModel")?.params).toEqual({ id: "qwen-small" });
    await click("Run benchmark");
    expect(main.client.calls.find((c) => c.method === "runBenchmark")?.params).toEqual({});
    main.update({ downloads: { "llama-huge": { state: "error", error: "disk full" } } });
    expect((await screen.findByText(/Download failed/)).textContent).toBe("Download failed: disk full");
  });
});

describe("wallet page", () => {
  const wallet = {
    address: ADDRESS,
    nativeWei: wei(0.5),
    tokenWei: wei(40),
    stakeWei: wei(100),
    claimableWei: wei(2.5),
    backedUp: false,
    updatedAt: Date.now(),
  };
  const registration = {
    registered: true,
    stakeWei: wei(100),
    minStakeWei: wei(100),
    models: ["tiny-test"],
    speed: 10,
  };

  it("copies the address, claims with an estimate, tops up the stake and reminds about the back-up", async () => {
    const main = fakeMain({ wallet, registration }, () => ({
      estimateAction: ({ action }) => ({ action, gasLimit: "50000", feeWei: wei(0.0001), affordable: true }),
      claimRewards: () => ({ txHash: "0x" + "c".repeat(64), amountWei: wei(2.5) }),
      topUpStake: ({ amountWei }) => ({ txHash: "0x" + "d".repeat(64), amountWei }),
    }));
    render(App, { client: main.client });
    await open("#/wallet", "Wallet");
    expect(screen.getByText(ADDRESS)).toBeTruthy();
    await click("Copy address");
    expect(writeText).toHaveBeenCalledWith(ADDRESS);
    expect(screen.getByText(/Your recovery phrase is not backed up/)).toBeTruthy();
    const rewards = screen.getByRole("region", { name: "Rewards" });
    expect(await within(rewards).findByText(/Estimated fee: 0.0001 ETH/)).toBeTruthy();
    await fireEvent.click(within(rewards).getByRole("button", { name: "Claim rewards" }));
    expect(await within(rewards).findByText(/Claimed in transaction/)).toBeTruthy();
    await type("Top up amount", "5");
    await waitFor(() =>
      expect(
        main.client.calls.some(
          (c) => c.method === "estimateAction" && (c.params as { action: string }).action === "topUp",
        ),
      ).toBe(true),
    );
    await waitFor(() => expect(isDisabled("Top up stake")).toBe(false));
    await click("Top up stake");
    await waitFor(() =>
      expect(main.client.calls.find((c) => c.method === "topUpStake")?.params).toEqual({ amountWei: wei(5) }),
    );
    expect(main.client.calls.filter((c) => c.method === "estimateAction").map((c) => c.params)).toContainEqual({
      action: "topUp",
      amountWei: wei(5),
    });
  });

  it("exports the keystore as a file only after the password", async () => {
    const created: unknown[] = [];
    g.URL.createObjectURL = (blob) => (created.push(blob), "blob:keystore");
    g.URL.revokeObjectURL = () => {};
    const main = fakeMain({ wallet: { ...wallet, backedUp: true } }, () => ({
      estimateAction: ({ action }) => ({ action, gasLimit: "1", feeWei: "1", affordable: true }),
      exportKeystore: ({ password }) => {
        if (password !== "correct horse") throw new PouwError("WRONG_PASSWORD", "the wallet password is wrong");
        return { fileName: "pouw-wallet.json", json: '{"version":3}' };
      },
    }));
    render(App, { client: main.client });
    await open("#/wallet", "Wallet");
    expect(screen.queryByText(/not backed up/)).toBeNull();
    await click("Export keystore");
    await type("Password", "wrong");
    await click("Download keystore");
    expect((await screen.findByText("the wallet password is wrong")).getAttribute("role")).toBe("alert");
    expect(created).toHaveLength(0);
    await type("Password", "correct horse");
    await click("Download keystore");
    expect(await screen.findByText("Saved pouw-wallet.json")).toBeTruthy();
    expect(created).toHaveLength(1);
  });
});

describe("settings page", () => {
  it("validates in one line and saves the changed fields", async () => {
    const main = fakeMain({}, (m) => ({ updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never }));
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    await fireEvent.click(screen.getByLabelText("Idle only"));
    await type("Idle minutes", "0");
    await click("Save settings");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/^idleMinutes: /);
    expect(alert.textContent).not.toMatch(/\n/);
    expect(main.client.calls.some((c) => c.method === "updateSettings")).toBe(false);
    await type("Idle minutes", "10");
    await type("Thread cap", "3");
    await fireEvent.change(screen.getByLabelText("Theme"), { target: { value: "dark" } });
    await click("Add schedule window");
    await fireEvent.click(screen.getByLabelText("Notifications"));
    await click("Save settings");
    expect(await screen.findByText("Saved")).toBeTruthy();
    expect(main.client.calls.find((c) => c.method === "updateSettings")?.params).toEqual({
      network: "devnet",
      idleOnly: true,
      idleMinutes: 10,
      schedule: [{ days: [1, 2, 3, 4, 5], start: "22:00", end: "07:00" }],
      pauseOnBattery: true,
      unloadAfterPauseMinutes: 10,
      maxThreads: 3,
      maxGpuLayers: null,
      startOnLogin: false,
      notifications: false,
      theme: "dark",
    });
  });

  it("sends the data folder only when changed and says the old data stays where it is", async () => {
    const settings = { ...defaultSettings(), dataDir: "/data/old" };
    const main = fakeMain({ settings }, (m) => ({
      updateSettings: (u) => ({ ...m.snapshot().settings, ...u }) as never,
    }));
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    expect(screen.getByText(/a change takes effect after a restart\.$/).id).toBe(
      screen.getByLabelText("Data folder").getAttribute("aria-describedby"),
    );
    await click("Save settings");
    await screen.findByText("Saved");
    const updates = () =>
      main.client.calls.filter((c) => c.method === "updateSettings").map((c) => c.params as Record<string, unknown>);
    expect(updates()[0]).not.toHaveProperty("dataDir");
    expect(screen.queryByText(/your existing data stays/)).toBeNull();
    await type("Data folder", " /data/new ");
    await click("Save settings");
    expect(
      await screen.findByText(
        "Takes effect after restart; your existing data stays in /data/old — move it yourself or start fresh.",
      ),
    ).toBeTruthy();
    expect(updates()[1]).toMatchObject({ dataDir: "/data/new" });
    await click("Save settings");
    await waitFor(() => expect(updates()).toHaveLength(3));
    expect(updates()[2]).not.toHaveProperty("dataDir");
  });

  it("offers oracle duty only as a disabled box that says why", async () => {
    const main = fakeMain({});
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    const box = screen.getByLabelText("Oracle duty") as unknown as {
      disabled: boolean;
      checked: boolean;
      getAttribute(n: string): string | null;
    };
    expect(box.disabled).toBe(true);
    expect(box.checked).toBe(false);
    expect(
      screen.getByText(
        /^Oracle duty needs a separate oracle registration; on the embedded devnet an oracle already runs\.$/,
      ).id,
    ).toBe(box.getAttribute("aria-describedby"));
  });

  it("shows main's refusal as one line", async () => {
    const main = fakeMain({}, () => ({
      updateSettings: () => {
        throw new PouwError("INVALID_PARAMS", "deploymentFile: no such file");
      },
    }));
    render(App, { client: main.client });
    await open("#/settings", "Settings");
    await fireEvent.change(screen.getByLabelText("Network"), { target: { value: "deployment" } });
    await type("Deployment file", "/nope.json");
    await click("Save settings");
    expect((await screen.findByRole("alert")).textContent).toBe("deploymentFile: no such file");
  });
});

describe("logs page", () => {
  it("tails the log seeded by getLogs, filters by level and copies", async () => {
    const main = fakeMain({}, () => ({
      getLogs: () => [
        { at: 1, level: "debug", message: "dbg line" },
        { at: 2, level: "info", message: "miner started" },
      ],
    }));
    render(App, { client: main.client });
    await open("#/logs", "Logs");
    const log = screen.getByRole("log");
    expect(await within(log).findByText(/miner started/)).toBeTruthy();
    expect(within(log).queryByText(/dbg line/)).toBeNull();
    main.client.emit("log", { at: 3, level: "error", message: "worker crashed" });
    expect(await within(log).findByText(/worker crashed/)).toBeTruthy();
    await fireEvent.change(screen.getByLabelText("Level"), { target: { value: "error" } });
    await waitFor(() => expect(within(log).queryByText(/miner started/)).toBeNull());
    await fireEvent.change(screen.getByLabelText("Level"), { target: { value: "debug" } });
    expect(await within(log).findByText(/dbg line/)).toBeTruthy();
    await click("Copy logs");
    const copied = String(writeText.mock.calls[0]?.[0]);
    expect(copied.split("\n")).toHaveLength(3);
    expect(copied).toMatch(/ERROR worker crashed$/);
  });
});
