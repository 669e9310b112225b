// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { AppSnapshot, SnapshotMessage } from "../../src-shared/app-contract.js";
import { PouwError } from "../../src-shared/errors.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import App from "../../src-renderer/src/App.svelte";
import { createMemoryClient } from "../../src-renderer/src/lib/client/memory-client.js";

const snapshot = (over: Partial<AppSnapshot> = {}): AppSnapshot => ({
  appVersion: "1.2.3",
  mining: { state: "stopped", reason: "Mining has not been started" },
  network: { name: "devnet", connected: true },
  tasks: [],
  earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
  settings: defaultSettings(),
  ...over,
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("App", () => {
  it("shows loading, then the mining state and why", async () => {
    const first = deferred<SnapshotMessage>();
    const client = createMemoryClient({ getSnapshot: () => first.promise });
    render(App, { client });
    expect(screen.getByRole("status").textContent).toMatch(/Connecting to the miner/);
    first.resolve({ rev: 0, snapshot: snapshot() });
    expect((await screen.findByTestId("mining-state")).textContent).toBe("Stopped");
    expect(screen.getByTestId("mining-reason").textContent).toBe("Mining has not been started");
    expect(screen.getByText("v1.2.3")).toBeTruthy();
    expect(screen.getByText(/devnet \(connected\)/)).toBeTruthy();
  });

  it("follows patches pushed by main", async () => {
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 3, snapshot: snapshot() }) });
    render(App, { client });
    await screen.findByTestId("mining-state");
    client.emit("patch", {
      rev: 4,
      ops: [
        { op: "replace", path: "/mining/state", value: "paused" },
        { op: "replace", path: "/mining/reason", value: "Computer in use" },
      ],
    });
    await waitFor(() => expect(screen.getByTestId("mining-state").textContent).toBe("Paused"));
    expect(screen.getByTestId("mining-reason").textContent).toBe("Computer in use");
    expect(screen.getByRole("button", { name: "Stop mining" })).toBeTruthy();
  });

  it("pins the theme from settings and follows the system otherwise", async () => {
    const client = createMemoryClient({ getSnapshot: () => ({ rev: 0, snapshot: snapshot() }) });
    render(App, { client });
    await screen.findByTestId("mining-state");
    expect(document.documentElement.dataset.theme).toBeUndefined();
    client.emit("patch", { rev: 1, ops: [{ op: "replace", path: "/settings/theme", value: "dark" }] });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    client.emit("patch", { rev: 2, ops: [{ op: "replace", path: "/settings/theme", value: "system" }] });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
  });

  it("shows why it cannot connect and recovers on retry", async () => {
    let attempts = 0;
    const client = createMemoryClient({
      getSnapshot: () => {
        attempts += 1;
        if (attempts === 1) throw new PouwError("WORKER_UNAVAILABLE", "miner core is not running");
        return { rev: 0, snapshot: snapshot() };
      },
    });
    render(App, { client });
    expect((await screen.findByRole("alert")).textContent).toMatch(/Could not reach the miner: miner core is not running/);
    await fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect((await screen.findByTestId("mining-state")).textContent).toBe("Stopped");
  });

  it("starts mining through the client and shows a failure in one line", async () => {
    const client = createMemoryClient({
      getSnapshot: () => ({ rev: 0, snapshot: snapshot() }),
      startMining: () => {
        throw new PouwError("INSUFFICIENT_FUNDS", "the wallet needs 0.01 ETH for gas");
      },
    });
    render(App, { client });
    await fireEvent.click(await screen.findByRole("button", { name: "Start mining" }));
    expect((await screen.findByRole("alert")).textContent).toBe("the wallet needs 0.01 ETH for gas");
    expect(client.calls.map((c) => c.method)).toEqual(["getSnapshot", "startMining"]);
  });
});
