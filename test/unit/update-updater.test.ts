import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppSnapshot, MiningStatus, TaskSummary } from "../../src-shared/app-contract.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import { PouwError } from "../../src-shared/errors.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import type { MiningCore } from "../../src-main/session/main-core.js";
import type { DownloadProgress, UpdateBackend, UpdateRelease } from "../../src-main/update/backend.js";
import { sessionGate } from "../../src-main/update/session-gate.js";
import { CHECK_EVERY_MS, Updater } from "../../src-main/update/updater.js";

/** The Updater's decisions against a scripted backend and a session whose mining state the test drives. */
const release = (version: string): UpdateRelease => ({
  version,
  files: [{ url: `https://feed.example/${version}.AppImage`, sha512: "x" }],
  url: `https://feed.example/${version}.AppImage`,
  sha512: "x",
});

class FakeBackend implements UpdateBackend {
  keepsEarlierDownload = true;
  latest: UpdateRelease | undefined;
  checks = 0;
  checkError: Error | undefined;
  downloads: Array<{
    release: UpdateRelease;
    signal: AbortSignal;
    onProgress: (p: DownloadProgress) => void;
    resolve: (file: string) => void;
    reject: (err: unknown) => void;
  }> = [];
  installs: string[] = [];
  restarts: boolean[] = [];

  async check(): Promise<UpdateRelease | undefined> {
    this.checks += 1;
    if (this.checkError) throw this.checkError;
    return this.latest;
  }
  download(r: UpdateRelease, onProgress: (p: DownloadProgress) => void, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      this.downloads.push({ release: r, signal, onProgress, resolve, reject });
      signal.addEventListener("abort", () => reject(new PouwError("CANCELLED", "cancelled")));
    });
  }
  install(file: string, _release: UpdateRelease, opts?: { restart?: boolean }): void {
    this.installs.push(file);
    this.restarts.push(opts?.restart ?? true);
  }
}

/** A session's snapshot and its draining stop: stopMining goes to "stopping" while tasks are in flight. */
function fakeSession(mining: MiningStatus, inFlight: number) {
  const task = (i: number): TaskSummary => ({
    id: `${i}#0`,
    stage: "Commit",
    modelId: "0x01",
    updatedAt: 0,
    kind: "user",
    states: [],
    rewardWei: "0",
  });
  const snapshot: AppSnapshot = {
    appVersion: "1.0.0",
    mining,
    network: { name: "devnet", connected: true },
    tasks: Array.from({ length: inFlight }, (_, i) => task(i)),
    earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
    settings: defaultSettings(),
  };
  const hub = new SnapshotHub(snapshot);
  const stops: Array<{ force?: boolean } | undefined> = [];
  const core = {
    getSnapshot: () => hub.message(),
    onPatch: (listener: Parameters<MiningCore["onPatch"]>[0]) => hub.subscribe(listener),
    stopMining: async (params?: { force?: boolean }) => {
      stops.push(params);
      const left = hub.current().tasks.length;
      hub.update((s) => ({
        ...s,
        mining:
          left > 0 && !params?.force
            ? { state: "stopping", reason: `Stopping: finishing ${left}` }
            : { state: "stopped", reason: "Stopped by you" },
      }));
      return hub.current().mining;
    },
  } as unknown as MiningCore;
  return {
    gate: sessionGate(core),
    stops,
    set: (change: Partial<AppSnapshot>) => hub.update((s) => ({ ...s, ...change })),
    finishTask: () => hub.update((s) => ({ ...s, tasks: s.tasks.slice(1) })),
  };
}

let backend: FakeBackend;
beforeEach(() => {
  backend = new FakeBackend();
});
afterEach(() => {
  vi.useRealTimers();
});

async function downloaded(u: Updater, version = "1.1.0", file = `/data/updates/${version}/app`): Promise<void> {
  backend.latest = release(version);
  await u.check();
  backend.downloads.at(-1)!.resolve(file);
  await u.settled();
  expect(u.current().status).toEqual({ state: "downloaded", version });
}

describe("Updater", () => {
  it("checks at start and then every six hours (fake time)", async () => {
    vi.useFakeTimers({ now: 1_000 });
    const session = fakeSession({ state: "stopped", reason: "" }, 0);
    const u = new Updater({
      backend,
      currentVersion: "1.0.0",
      session: session.gate,
      timers: { setInterval, clearInterval: (h) => clearInterval(h as NodeJS.Timeout) },
    });
    u.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.checks).toBe(1);
    expect(u.current()).toMatchObject({ status: { state: "up-to-date" }, nextCheckAt: 1_000 + CHECK_EVERY_MS });
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS - 1);
    expect(backend.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.checks).toBe(2);
    expect(u.current().nextCheckAt).toBe(1_000 + 2 * CHECK_EVERY_MS);
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS);
    expect(backend.checks).toBe(3);
    u.stop();
    await vi.advanceTimersByTimeAsync(3 * CHECK_EVERY_MS);
    expect(backend.checks).toBe(3);
  });

  it("downloads in the background and shows its progress; a failed check keeps the verified download", async () => {
    const session = fakeSession({ state: "mining", reason: "" }, 0);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    backend.latest = release("1.1.0");
    await u.check();
    const d = backend.downloads[0]!;
    d.onProgress({ percent: 40, bytesPerSecond: 2_000_000, transferred: 400, total: 1_000 });
    expect(u.current().status).toEqual({
      state: "downloading",
      version: "1.1.0",
      percent: 40,
      bytesPerSecond: 2_000_000,
      transferred: 400,
      total: 1_000,
    });
    // A check meanwhile asks nothing and starts no second download.
    await u.check();
    expect(backend.checks).toBe(1);
    d.resolve("/data/updates/1.1.0/app");
    await u.settled();
    expect(u.current()).toMatchObject({
      status: { state: "downloaded", version: "1.1.0" },
      ready: { version: "1.1.0" },
    });

    backend.checkError = new PouwError("DOWNLOAD_FAILED", "could not check for updates: offline");
    await u.check();
    expect(u.current()).toMatchObject({
      status: { state: "error", code: "DOWNLOAD_FAILED", message: "could not check for updates: offline" },
      ready: { version: "1.1.0" },
    });
    // Mining was never touched: nothing installs without the user's click.
    expect(session.stops).toEqual([]);
    expect(backend.installs).toEqual([]);
  });

  it("installs on request only after the draining stop: waits while a task is in flight", async () => {
    const session = fakeSession({ state: "mining", reason: "Serving" }, 2);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    await downloaded(u);

    expect((await u.install()).status).toEqual({ state: "installing", version: "1.1.0", waitingFor: 2 });
    await vi.waitFor(() => expect(session.stops).toEqual([{ force: false }]));
    expect(session.gate.miningState()).toBe("stopping");
    session.finishTask();
    expect(u.current().status).toEqual({ state: "installing", version: "1.1.0", waitingFor: 1 });
    // A second click neither stops again (that would force) nor installs.
    await u.install();
    expect(session.stops).toHaveLength(1);
    expect(backend.installs).toEqual([]);

    session.finishTask();
    session.set({ mining: { state: "stopped", reason: "Stopped by you" } });
    await vi.waitFor(() => expect(backend.installs).toEqual(["/data/updates/1.1.0/app"]));
  });

  it("holds a quit with a task in flight until the drain ends, then installs without starting again", async () => {
    const session = fakeSession({ state: "mining", reason: "Serving" }, 1);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    let quitAnyway = 0;
    // No update yet: nothing holds the quit.
    expect(u.holdQuit(() => quitAnyway++)).toBe(false);
    await downloaded(u);
    expect(u.holdQuit(() => quitAnyway++)).toBe(true);
    await vi.waitFor(() => expect(session.stops).toEqual([{ force: false }]));
    // A second quit while holding is not held again: the shell quits at once.
    expect(u.holdQuit(() => quitAnyway++)).toBe(false);
    expect(backend.installs).toEqual([]);
    session.finishTask();
    session.set({ mining: { state: "stopped", reason: "Stopped by you" } });
    await vi.waitFor(() => expect(backend.installs).toEqual(["/data/updates/1.1.0/app"]));
    expect(backend.restarts).toEqual([false]);
    expect(quitAnyway).toBe(0);
  });

  it("lets a quit go at once with no task in flight, and quits anyway when the held drain ends without installing", async () => {
    const idle = fakeSession({ state: "mining", reason: "Serving" }, 0);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: idle.gate });
    await downloaded(u);
    expect(u.holdQuit(() => undefined)).toBe(false);
    expect(idle.stops).toEqual([]);

    const busy = fakeSession({ state: "mining", reason: "Serving" }, 1);
    const held = new Updater({ backend, currentVersion: "1.0.0", session: busy.gate });
    await downloaded(held);
    let quitAnyway = 0;
    expect(held.holdQuit(() => quitAnyway++)).toBe(true);
    await vi.waitFor(() => expect(busy.gate.miningState()).toBe("stopping"));
    // The user starts mining again from the tray: no install, but the quit they asked for happens.
    busy.set({ mining: { state: "mining", reason: "Serving" } });
    await vi.waitFor(() => expect(quitAnyway).toBe(1));
    expect(backend.installs).toEqual([]);
  });

  it("joins a drain already under way instead of forcing it", async () => {
    const session = fakeSession({ state: "stopping", reason: "Stopping: finishing 1" }, 1);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    await downloaded(u);
    await u.install();
    await new Promise((r) => setTimeout(r, 10));
    expect(session.stops).toEqual([]);
    expect(backend.installs).toEqual([]);
    session.set({ mining: { state: "stopped", reason: "Stopped by you" }, tasks: [] });
    await vi.waitFor(() => expect(backend.installs).toHaveLength(1));
  });

  it("installs at once when mining is stopped", async () => {
    const session = fakeSession({ state: "stopped", reason: "" }, 0);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    await downloaded(u);
    await u.install();
    await vi.waitFor(() => expect(backend.installs).toEqual(["/data/updates/1.1.0/app"]));
    expect(session.stops).toEqual([]);
  });

  it("puts the install off when mining is started again during the drain", async () => {
    const session = fakeSession({ state: "mining", reason: "" }, 1);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    await downloaded(u);
    await u.install();
    await vi.waitFor(() => expect(session.gate.miningState()).toBe("stopping"));
    session.set({ mining: { state: "mining", reason: "Serving" } });
    await vi.waitFor(() => expect(u.current().status).toEqual({ state: "downloaded", version: "1.1.0" }));
    session.set({ mining: { state: "stopped", reason: "Stopped by you" }, tasks: [] });
    await new Promise((r) => setTimeout(r, 10));
    expect(backend.installs).toEqual([]);
  });

  it("keeps a ready download rather than replacing it when the backend keeps only one", async () => {
    backend.keepsEarlierDownload = false;
    const session = fakeSession({ state: "stopped", reason: "" }, 0);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    await downloaded(u, "1.1.0");
    backend.latest = release("1.2.0");
    await u.check();
    expect(backend.downloads).toHaveLength(1);
    expect(u.current()).toMatchObject({
      status: { state: "available", version: "1.2.0" },
      ready: { version: "1.1.0" },
    });
  });

  it("refuses to install with nothing downloaded; stop() cancels a download", async () => {
    const session = fakeSession({ state: "stopped", reason: "" }, 0);
    const u = new Updater({ backend, currentVersion: "1.0.0", session: session.gate });
    await expect(u.install()).rejects.toMatchObject({ code: "NOT_FOUND" });
    backend.latest = release("1.1.0");
    await u.check();
    u.stop();
    expect(backend.downloads[0]!.signal.aborted).toBe(true);
    await u.settled();
    expect(u.current().ready).toBeUndefined();
  });
});
