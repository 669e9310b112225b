// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { SnapshotMessage } from "../../src-shared/app-contract.js";
import { PouwError } from "../../src-shared/errors.js";
import App from "../../src-renderer/src/App.svelte";
import { createMemoryClient } from "../../src-renderer/src/lib/client/memory-client.js";
import { previewSnapshot } from "../../src-renderer/src/lib/client/preview-snapshot.js";

const snapshot = () => previewSnapshot({ appVersion: "1.2.3", network: { name: "devnet", connected: true } });

// The root tsconfig has no DOM library (it checks Node code); this test runs in jsdom.
const themeAttribute = () =>
  (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string | undefined> } } }).document
    .documentElement.dataset.theme;

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
    expect(themeAttribute()).toBeUndefined();
    client.emit("patch", { rev: 1, ops: [{ op: "replace", path: "/settings/theme", value: "dark" }] });
    await waitFor(() => expect(themeAttribute()).toBe("dark"));
    client.emit("patch", { rev: 2, ops: [{ op: "replace", path: "/settings/theme", value: "system" }] });
    await waitFor(() => expect(themeAttribute()).toBeUndefined());
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
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /Could not reach the miner: miner core is not running/,
    );
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
    expect(client.calls.filter((c) => c.method === "startMining")).toEqual([{ method: "startMining", params: {} }]);
  });
});
