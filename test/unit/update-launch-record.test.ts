import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LaunchRecord } from "../../src-main/update/launch-record.js";
import { UpdateStore } from "../../src-main/update/update-store.js";

/** The launch record in <data>/updates/launches.json and the rollback offer it leads to. */
let dir: string;
let store: UpdateStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-launches-"));
  store = new UpdateStore(path.join(dir, "updates"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const launch = (version: string, releaseUrl?: string) =>
  LaunchRecord.begin(store, version, releaseUrl ? { releaseUrl } : {});
const keepInstaller = (version: string) => {
  const file = store.fileFor(version, `PoUW-Miner-Setup-${version}.exe`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `installer ${version}`);
  return file;
};

describe("launch record and rollback offer", () => {
  it("offers the previous installer when a freshly updated version fails to open twice in a row", () => {
    launch("1.0.0").opened();
    const installer = keepInstaller("1.0.0");

    const first = launch("1.1.0");
    expect(first.offer()).toBeUndefined();
    expect(first.failed()).toBeUndefined();

    const offer = launch("1.1.0").failed();
    expect(offer).toEqual({
      version: "1.1.0",
      previousVersion: "1.0.0",
      installerPath: installer,
      message: `Version 1.1.0 failed to open its session twice in a row; the installer of 1.0.0 is kept at ${installer}: run it to go back.`,
    });
    expect(offer?.message.includes("\n")).toBe(false);
    expect(JSON.parse(fs.readFileSync(store.launchFile, "utf8"))).toMatchObject({
      version: "1.1.0",
      state: "failed",
      failedOpens: 2,
      previous: "1.0.0",
      lastGood: "1.0.0",
    });
  });

  it("counts a launch that never reached 'opened' (a crash) as a failure, and offers at the next start", () => {
    launch("1.0.0").opened();
    launch("1.1.0"); // crashed while opening
    expect(launch("1.1.0").offer()).toBeUndefined(); // one failure so far; crashes again
    const third = launch("1.1.0");
    expect(third.offer()).toMatchObject({ version: "1.1.0", previousVersion: "1.0.0" });
    // Opening at last clears it for the next launch.
    third.opened();
    expect(launch("1.1.0").offer()).toBeUndefined();
  });

  it("does not count a quit before the session opened", () => {
    launch("1.0.0").opened();
    launch("1.1.0").closedBeforeOpen();
    launch("1.1.0").closedBeforeOpen();
    expect(launch("1.1.0").failed()).toBeUndefined();
  });

  it("offers nothing for a version that has opened before, or with no earlier version that opened", () => {
    launch("1.0.0").opened();
    launch("1.1.0").opened();
    launch("1.1.0").failed();
    expect(launch("1.1.0").failed()).toBeUndefined();

    fs.rmSync(store.launchFile);
    launch("2.0.0").failed();
    expect(launch("2.0.0").failed()).toBeUndefined();
  });

  it("points at the download page when no installer was kept", () => {
    launch("1.0.0", "https://updates.example/pouw").opened();
    launch("1.1.0", "https://updates.example/pouw").failed();
    const offer = launch("1.1.0", "https://updates.example/pouw").failed();
    expect(offer).toMatchObject({ previousVersion: "1.0.0", url: "https://updates.example/pouw" });
    expect(offer?.installerPath).toBeUndefined();
    expect(offer?.message).toBe(
      "Version 1.1.0 failed to open its session twice in a row; reinstall 1.0.0 from https://updates.example/pouw.",
    );
  });

  it("goes back to the last version that opened, past one that never did", () => {
    launch("1.0.0").opened();
    launch("1.1.0").failed(); // 1.1.0 never opened; 1.2.0 arrives
    launch("1.2.0").failed();
    expect(launch("1.2.0").failed()).toMatchObject({ previousVersion: "1.0.0" });
  });

  it("starts afresh from a record it cannot read", () => {
    fs.mkdirSync(store.dir, { recursive: true });
    fs.writeFileSync(store.launchFile, "{ not json");
    const record = launch("1.0.0");
    expect(JSON.parse(fs.readFileSync(store.launchFile, "utf8"))).toEqual({
      version: "1.0.0",
      state: "opening",
      failedOpens: 0,
    });
    expect(record.failed()).toBeUndefined();
  });

  it("keeps the installers of this version, the previous one and newer ones when pruning", () => {
    for (const v of ["0.8.0", "0.9.0", "1.0.0", "1.1.0", "1.2.0"]) keepInstaller(v);
    fs.writeFileSync(store.partialOf(store.fileFor("1.2.0", "next.exe")), "half");
    launch("0.9.0").opened();
    const record = launch("1.1.0");
    store.prune("1.1.0", record.keepVersions());
    expect(
      fs
        .readdirSync(store.dir)
        .filter((n) => n !== "launches.json")
        .sort(),
    ).toEqual(["0.9.0", "1.1.0", "1.2.0"]);
    expect(fs.readdirSync(path.join(store.dir, "1.2.0"))).toEqual(["PoUW-Miner-Setup-1.2.0.exe"]);
    expect(store.installerOf("0.9.0")).toBe(path.join(store.dir, "0.9.0", "PoUW-Miner-Setup-0.9.0.exe"));
  });

  it("refuses versions and file names from a feed that would leave the updates folder", () => {
    expect(() => store.fileFor("../../etc", "x.exe")).toThrow(/odd version/);
    expect(() => store.fileFor("1.0.0", "../x.exe")).toThrow(/odd file/);
    expect(() => store.fileFor("1.0.0", "x.exe.partial")).toThrow(/odd file/);
  });
});
