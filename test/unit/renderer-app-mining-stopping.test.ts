// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import type { MiningStatus } from "../../src-shared/app-contract.js";
import App from "../../src-renderer/src/App.svelte";
import { createMemoryClient } from "../../src-renderer/src/lib/client/memory-client.js";
import { previewSnapshot } from "../../src-renderer/src/lib/client/preview-snapshot.js";

const loc = () => (globalThis as unknown as { location: { hash: string } }).location;
const stopping: MiningStatus = { state: "stopping", reason: "Stopping: finishing 1 task in flight" };

beforeEach(() => {
  loc().hash = "";
});

/** The dashboard with the miner draining, answered by a memory client that records the calls. */
function renderStopping() {
  const client = createMemoryClient({
    getSnapshot: () => ({ rev: 0, snapshot: previewSnapshot({ mining: stopping }) }),
    startMining: () => ({ state: "mining", reason: "Serving stories260K" }),
    stopMining: (p) => ({
      state: "stopped",
      reason: p.force ? "Stopped by you: 1 task in flight was abandoned" : "Stopped by you",
    }),
  });
  render(App, { client });
  return client;
}

describe("the mining status while stopping", () => {
  it("shows Stopping with why, and offers to resume or to stop now", async () => {
    renderStopping();
    expect((await screen.findByTestId("mining-state")).textContent).toBe("Stopping");
    expect(screen.getByTestId("mining-reason").textContent).toBe("Stopping: finishing 1 task in flight");
    expect(screen.getByRole("button", { name: "Start mining" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Stop now" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Stop mining" })).toBeNull();
  });

  it("Start mining resumes (startMining); Stop now forces the stop", async () => {
    const client = renderStopping();
    await fireEvent.click(await screen.findByRole("button", { name: "Start mining" }));
    await fireEvent.click(screen.getByRole("button", { name: "Stop now" }));
    await waitFor(() =>
      expect(client.calls.filter((c) => c.method === "startMining" || c.method === "stopMining").length).toBe(2),
    );
    expect(client.calls.filter((c) => c.method === "startMining" || c.method === "stopMining")).toEqual([
      { method: "startMining", params: {} },
      { method: "stopMining", params: { force: true } },
    ]);
  });

  it("leaves Stop now once the drain ended", async () => {
    const client = renderStopping();
    await screen.findByRole("button", { name: "Stop now" });
    client.emit("patch", {
      rev: 1,
      ops: [
        { op: "replace", path: "/mining/state", value: "stopped" },
        { op: "replace", path: "/mining/reason", value: "Stopped by you" },
      ],
    });
    await waitFor(() => expect(screen.getByTestId("mining-state").textContent).toBe("Stopped"));
    expect(screen.queryByRole("button", { name: "Stop now" })).toBeNull();
    expect(screen.getByRole("button", { name: "Start mining" })).toBeTruthy();
  });
});
