import { describe, expect, it } from "vitest";
import { migrateSettings, settingsMigrations, storedVersion } from "../../src-main/settings/migrations.js";
import { SETTINGS_SCHEMA_VERSION, Settings } from "../../src-shared/settings-schema.js";

const step = (version: number) => {
  const found = settingsMigrations.find((m) => m.version === version);
  if (!found) throw new Error(`no migration ${version}`);
  return found;
};

describe("settings migrations", () => {
  it("are numbered 1..N in order and end at the schema version", () => {
    expect(settingsMigrations.map((m) => m.version)).toEqual(
      Array.from({ length: SETTINGS_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    for (const m of settingsMigrations) expect(m.description.length).toBeGreaterThan(10);
  });

  it("1: renames the prototype's threads and idle keys and stamps version 1", () => {
    const input = Object.freeze({ threads: 3, idle: true, theme: "dark" });
    expect(step(1).migrate(input)).toEqual({ maxThreads: 3, idleOnly: true, theme: "dark", schemaVersion: 1 });
    expect(input).toEqual({ threads: 3, idle: true, theme: "dark" });
  });

  it("1: keeps an explicit new key over the legacy one", () => {
    expect(step(1).migrate({ threads: 3, maxThreads: 2 })).toEqual({ maxThreads: 2, schemaVersion: 1 });
  });

  it("2: turns a network path into a deployment file and localhost into devnet", () => {
    expect(step(2).migrate({ schemaVersion: 1, network: "/etc/pouw/testnet.json" })).toEqual({
      schemaVersion: 2,
      network: { deploymentFile: "/etc/pouw/testnet.json" },
    });
    expect(step(2).migrate({ schemaVersion: 1, network: "localhost" })).toEqual({
      schemaVersion: 2,
      network: "devnet",
    });
    expect(step(2).migrate({ schemaVersion: 1, network: "devnet" })).toEqual({ schemaVersion: 2, network: "devnet" });
    expect(step(2).migrate({ schemaVersion: 1 })).toEqual({ schemaVersion: 2 });
  });

  it("3: adds notifications, on, and keeps a value already there", () => {
    const input = Object.freeze({ schemaVersion: 2, theme: "dark" });
    expect(step(3).migrate(input)).toEqual({ schemaVersion: 3, theme: "dark", notifications: true });
    expect(input).toEqual({ schemaVersion: 2, theme: "dark" });
    expect(step(3).migrate({ schemaVersion: 2, notifications: false })).toEqual({
      schemaVersion: 3,
      notifications: false,
    });
  });

  it("4: adds pauseOnBattery (on) and unloadAfterPauseMinutes (10), keeping values already there", () => {
    const input = Object.freeze({ schemaVersion: 3, theme: "dark", notifications: false });
    expect(step(4).migrate(input)).toEqual({
      schemaVersion: 4,
      theme: "dark",
      notifications: false,
      pauseOnBattery: true,
      unloadAfterPauseMinutes: 10,
    });
    expect(input).toEqual({ schemaVersion: 3, theme: "dark", notifications: false });
    expect(step(4).migrate({ schemaVersion: 3, pauseOnBattery: false, unloadAfterPauseMinutes: 0 })).toEqual({
      schemaVersion: 4,
      pauseOnBattery: false,
      unloadAfterPauseMinutes: 0,
    });
  });

  it("5: adds currency (USD) and what mining makes way for, keeping values already there, and sets no price", () => {
    const input = Object.freeze({ schemaVersion: 4, theme: "dark" });
    expect(step(5).migrate(input)).toEqual({
      schemaVersion: 5,
      theme: "dark",
      currency: "USD",
      pauseOnFullscreen: true,
      pauseOnGpuBusy: true,
      gpuBusyPercent: 30,
      pauseForPrograms: [],
    });
    expect(input).toEqual({ schemaVersion: 4, theme: "dark" });
    const kept = {
      schemaVersion: 4,
      currency: "EUR",
      pauseOnFullscreen: false,
      pauseOnGpuBusy: false,
      gpuBusyPercent: 80,
      pauseForPrograms: ["steam"],
    };
    expect(step(5).migrate(kept)).toEqual({ ...kept, schemaVersion: 5 });
  });

  it("brings a version-3 file to valid current settings", () => {
    const { value, applied } = migrateSettings({
      schemaVersion: 3,
      idleOnly: true,
      notifications: true,
      startOnLogin: true,
    });
    expect(applied).toEqual([4, 5]);
    const parsed = Settings.parse(value);
    expect(parsed).toMatchObject({
      schemaVersion: 5,
      idleOnly: true,
      startOnLogin: true,
      pauseOnBattery: true,
      unloadAfterPauseMinutes: 10,
      currency: "USD",
    });
    expect(parsed.pricePerToken).toBeUndefined();
    expect(parsed.electricityPricePerKwh).toBeUndefined();
  });

  it("migrates a version-0 file end to end into valid settings", () => {
    const { value, from, applied } = migrateSettings({
      threads: 2,
      idle: true,
      network: "./deploy.json",
      theme: "light",
    });
    expect(from).toBe(0);
    expect(applied).toEqual([1, 2, 3, 4, 5]);
    const parsed = Settings.parse(value);
    expect(parsed).toMatchObject({
      maxThreads: 2,
      idleOnly: true,
      network: { deploymentFile: "./deploy.json" },
      theme: "light",
      notifications: true,
    });
    expect(parsed.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
  });

  it("runs only the steps above the stored version", () => {
    const { applied, value } = migrateSettings({ schemaVersion: 1, network: "localhost", threads: 9 });
    expect(applied).toEqual([2, 3, 4, 5]);
    expect(value).toEqual({
      schemaVersion: 5,
      network: "devnet",
      threads: 9,
      notifications: true,
      pauseOnBattery: true,
      unloadAfterPauseMinutes: 10,
      currency: "USD",
      pauseOnFullscreen: true,
      pauseOnGpuBusy: true,
      gpuBusyPercent: 30,
      pauseForPrograms: [],
    });
    expect(migrateSettings({ schemaVersion: 2, notifications: false }).applied).toEqual([3, 4, 5]);
  });

  it("refuses a file from a newer app and a malformed version", () => {
    expect(() => migrateSettings({ schemaVersion: SETTINGS_SCHEMA_VERSION + 1 })).toThrow(/newer than this app/);
    expect(() => storedVersion({ schemaVersion: "2" })).toThrow(/not a whole number/);
    expect(() => storedVersion({ schemaVersion: 1.5 })).toThrow(/not a whole number/);
  });
});
