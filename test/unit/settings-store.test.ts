import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSettings } from "../../src-main/settings/store.js";
import { PouwError } from "../../src-shared/errors.js";
import { SETTINGS_SCHEMA_VERSION, defaultSettings } from "../../src-shared/settings-schema.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-settings-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, "settings.json");
const readFile = (): unknown => JSON.parse(fs.readFileSync(file(), "utf8"));
const backups = () => fs.readdirSync(dir).filter((f) => f.startsWith("settings.json.bak-"));

describe("openSettings", () => {
  it("starts from defaults and writes them", () => {
    const store = openSettings({ cwd: dir });
    expect(store.get()).toEqual(defaultSettings());
    expect(store.path).toBe(file());
    expect(readFile()).toEqual(defaultSettings());
    expect(store.notices).toEqual([]);
  });

  it("saves an update, tells listeners, and reopens with it", () => {
    const store = openSettings({ cwd: dir });
    const seen: number[] = [];
    const off = store.onChange((s) => seen.push(s.idleMinutes));
    store.update({ idleMinutes: 12, maxThreads: 1, schedule: [{ days: [1, 2], start: "22:00", end: "06:00" }] });
    off();
    store.update({ idleMinutes: 13 });
    expect(seen).toEqual([12]);
    const again = openSettings({ cwd: dir });
    expect(again.get()).toMatchObject({ idleMinutes: 13, maxThreads: 1 });
    expect(again.get().schedule).toHaveLength(1);
  });

  it("clears an optional field with null", () => {
    const store = openSettings({ cwd: dir });
    store.update({ maxThreads: 4 });
    expect(store.update({ maxThreads: null })).not.toHaveProperty("maxThreads");
    expect(readFile()).not.toHaveProperty("maxThreads");
  });

  it("rejects an invalid update with one line and keeps the file unchanged", () => {
    const store = openSettings({ cwd: dir });
    const before = fs.readFileSync(file(), "utf8");
    for (const bad of [
      { idleMinutes: 0 },
      { theme: "purple" },
      { colour: "red" },
      { schedule: [{ days: [1], start: "25:00", end: "06:00" }] },
    ]) {
      let caught: unknown;
      try {
        store.update(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PouwError);
      expect((caught as PouwError).code).toBe("INVALID_PARAMS");
      expect((caught as PouwError).message).toMatch(/^settings not saved: /);
      expect((caught as PouwError).message).not.toContain("\n");
    }
    expect(() => store.update({ idleMinutes: 0 })).toThrow(/idleMinutes/);
    expect(fs.readFileSync(file(), "utf8")).toBe(before);
    expect(store.get()).toEqual(defaultSettings());
  });

  it("migrates a version-0 file on open and says so", () => {
    fs.writeFileSync(file(), JSON.stringify({ threads: 2, idle: true, network: "localhost" }));
    const store = openSettings({ cwd: dir });
    expect(store.get()).toMatchObject({
      maxThreads: 2,
      idleOnly: true,
      network: "devnet",
      schemaVersion: SETTINGS_SCHEMA_VERSION,
    });
    expect(store.notices).toEqual([`settings migrated from schema 0 to ${SETTINGS_SCHEMA_VERSION}`]);
    expect(readFile()).toMatchObject({ schemaVersion: SETTINGS_SCHEMA_VERSION, maxThreads: 2 });
    expect(backups()).toEqual([]);
  });

  it("backs up a corrupt file, resets to defaults, and says why", () => {
    fs.writeFileSync(file(), "{ not json");
    const store = openSettings({ cwd: dir, now: () => new Date("2026-01-02T03:04:05.678Z") });
    expect(store.get()).toEqual(defaultSettings());
    expect(backups()).toEqual(["settings.json.bak-2026-01-02T03-04-05-678Z"]);
    expect(fs.readFileSync(path.join(dir, backups()[0] ?? ""), "utf8")).toBe("{ not json");
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatch(
      /settings file was invalid .*kept it as settings\.json\.bak-2026-01-02T03-04-05-678Z/,
    );
    expect(readFile()).toEqual(defaultSettings());
  });

  it("backs up a file with invalid values or a newer schema, never overwriting an earlier backup", () => {
    const now = () => new Date("2026-01-02T03:04:05.678Z");
    fs.writeFileSync(file(), JSON.stringify({ schemaVersion: SETTINGS_SCHEMA_VERSION, idleMinutes: -3 }));
    expect(openSettings({ cwd: dir, now }).notices[0]).toMatch(/idleMinutes/);
    fs.writeFileSync(file(), JSON.stringify({ schemaVersion: 99 }));
    expect(openSettings({ cwd: dir, now }).notices[0]).toMatch(/newer than this app/);
    fs.writeFileSync(file(), "[1,2]");
    expect(openSettings({ cwd: dir, now }).notices[0]).toMatch(/not a JSON object/);
    expect(backups().sort()).toEqual([
      "settings.json.bak-2026-01-02T03-04-05-678Z",
      "settings.json.bak-2026-01-02T03-04-05-678Z-1",
      "settings.json.bak-2026-01-02T03-04-05-678Z-2",
    ]);
  });
});
