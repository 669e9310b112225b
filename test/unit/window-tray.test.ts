import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { trayAction, trayIconFile, trayTooltip } from "../../src-main/electron/tray-state.js";
import { MiningStateName } from "../../src-shared/app-contract.js";

describe("tray state", () => {
  it("has an icon file (1x and @2x) for every mining state", () => {
    for (const state of MiningStateName.options) {
      const file = trayIconFile(state);
      expect(fs.existsSync(path.resolve("resources", file)), file).toBe(true);
      expect(fs.existsSync(path.resolve("resources", file.replace(".png", "@2x.png"))), file).toBe(true);
    }
    expect(trayIconFile("mining")).toBe("tray-mining.png");
    expect(trayIconFile("stopped")).toBe("tray-idle.png");
    expect(trayIconFile("error")).toBe("tray-error.png");
  });

  it("offers stop while running and start otherwise", () => {
    expect(trayAction("mining")).toBe("stop");
    expect(trayAction("paused")).toBe("stop");
    expect(trayAction("stopped")).toBe("start");
    expect(trayAction("error")).toBe("start");
    // Stopping means finishing the tasks in flight: Start resumes (a Stop would abandon them).
    expect(trayAction("stopping")).toBe("start");
  });

  it("writes a short one-line tooltip with the reason", () => {
    expect(trayTooltip("paused", "Computer in use")).toBe("PoUW Miner — Paused: Computer in use");
    expect(trayTooltip("stopping", "Stopping: finishing 1 task in flight")).toBe(
      "PoUW Miner — Stopping: Stopping: finishing 1 task in flight",
    );
    const long = trayTooltip("error", "x".repeat(500));
    expect(long.length).toBe(120);
    expect(long.endsWith("…")).toBe(true);
  });
});
