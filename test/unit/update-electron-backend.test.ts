import { EventEmitter } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ProgressInfo, UpdateInfo } from "builder-util-runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DownloadProgress } from "../../src-main/update/backend.js";
import { electronUpdaterBackend, type AutoUpdaterLike } from "../../src-main/update/electron-updater-backend.js";
import { UpdateStore } from "../../src-main/update/update-store.js";

/**
 * The mapping from electron-updater's autoUpdater to the UpdateBackend interface, against a fake
 * autoUpdater (Electron cannot run here). What electron-updater itself does is not exercised.
 */
const info: UpdateInfo = {
  version: "1.1.0",
  files: [{ url: "PoUW-Miner-Setup-1.1.0.exe", sha512: "abc==", size: 10 }],
  path: "PoUW-Miner-Setup-1.1.0.exe",
  sha512: "abc==",
  releaseDate: "2025-01-02T03:04:05.000Z",
};

interface Token {
  cancelled: boolean;
  cancel(): void;
}

class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  check: () => Promise<{ isUpdateAvailable: boolean; updateInfo: UpdateInfo } | null> = async () => ({
    isUpdateAvailable: true,
    updateInfo: info,
  });
  download: (token: Token) => Promise<string[]> = async () => [];
  quits: Array<[boolean | undefined, boolean | undefined]> = [];
  checkForUpdates() {
    return this.check();
  }
  downloadUpdate(token?: Token) {
    return this.download(token!);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.quits.push([isSilent, isForceRunAfter]);
  }
  progress(p: Partial<ProgressInfo>) {
    this.emit("download-progress", { total: 10, delta: 0, transferred: 0, percent: 0, bytesPerSecond: 0, ...p });
  }
}

let dir: string;
let store: UpdateStore;
let fake: FakeAutoUpdater;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-eu-"));
  store = new UpdateStore(path.join(dir, "updates"));
  fake = new FakeAutoUpdater();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const cacheFile = () => {
  const file = path.join(dir, "cache", "pending", "PoUW-Miner-Setup-1.1.0.exe");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "verified installer");
  return file;
};

describe("electron-updater behind the UpdateBackend interface", () => {
  it("maps a check's result to a release, or to nothing", async () => {
    const backend = electronUpdaterBackend(fake, store);
    expect(backend.keepsEarlierDownload).toBe(false);
    expect(await backend.check()).toEqual({
      version: "1.1.0",
      releaseDate: "2025-01-02T03:04:05.000Z",
      files: [{ url: "PoUW-Miner-Setup-1.1.0.exe", sha512: "abc==", size: 10 }],
      url: "PoUW-Miner-Setup-1.1.0.exe",
      sha512: "abc==",
    });
    fake.check = async () => ({ isUpdateAvailable: false, updateInfo: { ...info, version: "1.0.0" } });
    expect(await backend.check()).toBeUndefined();
    fake.check = async () => null;
    expect(await backend.check()).toBeUndefined();
    fake.check = async () => Promise.reject(new Error("net::ERR_INTERNET_DISCONNECTED\n    at stack"));
    await expect(backend.check()).rejects.toMatchObject({
      code: "DOWNLOAD_FAILED",
      message: "could not check for updates: net::ERR_INTERNET_DISCONNECTED",
    });
  });

  it("forwards download progress, keeps a copy of the verified installer, and stops listening after", async () => {
    const file = cacheFile();
    fake.download = async () => {
      fake.progress({ percent: 50, transferred: 5, bytesPerSecond: 1_000 });
      fake.progress({ percent: 100, transferred: 10, bytesPerSecond: 1_000 });
      return [file];
    };
    const backend = electronUpdaterBackend(fake, store);
    const release = (await backend.check())!;
    const seen: DownloadProgress[] = [];
    expect(await backend.download(release, (p) => seen.push(p), new AbortController().signal)).toBe(file);
    expect(seen).toEqual([
      { percent: 50, bytesPerSecond: 1_000, transferred: 5, total: 10 },
      { percent: 100, bytesPerSecond: 1_000, transferred: 10, total: 10 },
    ]);
    expect(fake.listenerCount("download-progress")).toBe(0);
    expect(store.installerOf("1.1.0")).toBe(path.join(store.dir, "1.1.0", "PoUW-Miner-Setup-1.1.0.exe"));
    expect(fs.readFileSync(store.installerOf("1.1.0")!, "utf8")).toBe("verified installer");
  });

  it("refuses a download that fails its sha512 or its publisher signature, on one line", async () => {
    const backend = electronUpdaterBackend(fake, store);
    const release = (await backend.check())!;
    const failing = (code: string, message: string) => async () =>
      Promise.reject(Object.assign(new Error(message), { code }));
    fake.download = failing("ERR_CHECKSUM_MISMATCH", "sha512 checksum mismatch, expected abc==, got def==");
    await expect(backend.download(release, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: "CHECKSUM_MISMATCH",
      message: expect.stringMatching(/^update 1\.1\.0 refused: .*sha512/),
    });
    fake.download = failing(
      "ERR_UPDATER_INVALID_SIGNATURE",
      "New version 1.1.0 is not signed by the application owner: publisherNames: PoUW",
    );
    await expect(backend.download(release, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: "CHECKSUM_MISMATCH",
      message: expect.stringMatching(/not signed by this app's publisher/),
    });
    expect(store.installerOf("1.1.0")).toBeUndefined();
  });

  it("cancels electron-updater's download through its token when the signal aborts", async () => {
    let token: Token | undefined;
    fake.download = (t) =>
      new Promise((_resolve, reject) => {
        token = t;
        const timer = setInterval(() => t.cancelled && (clearInterval(timer), reject(new Error("cancelled"))), 5);
      });
    const backend = electronUpdaterBackend(fake, store);
    const controller = new AbortController();
    const download = backend.download((await backend.check())!, () => undefined, controller.signal);
    controller.abort();
    await expect(download).rejects.toMatchObject({ code: "CANCELLED" });
    expect(token?.cancelled).toBe(true);
  });

  it("installs with quitAndInstall: not silent, the app starts again", async () => {
    const backend = electronUpdaterBackend(fake, store);
    await backend.install("/x", (await backend.check())!);
    expect(fake.quits).toEqual([[false, true]]);
  });
});
