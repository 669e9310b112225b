import { EventEmitter } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { importWithFakes } from "../helpers/bundle-with-fakes.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { openSettings } from "../../src-main/settings/store.js";

/**
 * The shell's adapter (src-main/electron/auto-update.ts), bundled as for the app with `electron`
 * and `electron-updater` resolved to fakes: Electron cannot run here, so this checks the wiring —
 * the launch record around the session's opening, the rollback notice, the autoUpdater settings and
 * the wrapped core — not electron-updater itself.
 */
const world = {
  app: Object.assign(new EventEmitter(), { isPackaged: true, version: "1.0.0", getVersion: () => world.app.version }),
  notices: [] as Array<{ title: string; body: string; click(): void }>,
  shell: { showItemInFolder: vi.fn(), openExternal: vi.fn(async () => undefined) },
  updater: Object.assign(new EventEmitter(), {
    autoDownload: true,
    autoInstallOnAppQuit: false,
    logger: undefined as unknown,
    checks: 0,
    checkForUpdates: async () => {
      world.updater.checks += 1;
      return null;
    },
    downloadUpdate: async () => [],
    quitAndInstall: vi.fn(),
  }),
};
class FakeNotification extends EventEmitter {
  static isSupported = () => true;
  constructor(private readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    world.notices.push({ ...this.options, click: () => this.emit("click") });
  }
}

let tmp: string;
let withAutoUpdate: (open: () => Promise<MainCore>) => Promise<MainCore>;
const data = () => path.join(tmp, "data");
const launches = () =>
  JSON.parse(fs.readFileSync(path.join(data(), "updates", "launches.json"), "utf8")) as Record<string, unknown>;
const memoryCore = (version: string) =>
  createMemoryCore({ appVersion: version, settings: openSettings({ cwd: path.join(tmp, "settings") }) });
const launch = (version: string, open: () => Promise<MainCore>) => {
  world.app.version = version;
  return withAutoUpdate(open);
};

beforeAll(async () => {
  const cache = path.join(process.cwd(), "node_modules", ".cache");
  fs.mkdirSync(cache, { recursive: true });
  tmp = fs.mkdtempSync(path.join(cache, "pouw-auto-update-"));
  (globalThis as Record<string, unknown>).__pouwFakes = {
    app: world.app,
    Notification: FakeNotification,
    shell: world.shell,
    autoUpdater: world.updater,
    CancellationToken: class {},
  };
  const outfile = path.join(tmp, "auto-update.js");
  ({ withAutoUpdate } = await importWithFakes<{ withAutoUpdate: typeof withAutoUpdate }>(
    "src-main/electron/auto-update.ts",
    outfile,
    {
      electron:
        "const f = globalThis.__pouwFakes; export const app = f.app, Notification = f.Notification, shell = f.shell;",
      "electron-updater":
        "const f = globalThis.__pouwFakes; export default { get autoUpdater() { if (f.broken) throw new Error('no net session'); return f.autoUpdater; }, CancellationToken: f.CancellationToken };",
    },
  ));
  process.env.POUW_DATA_DIR = data();
}, 60_000);
afterAll(() => {
  delete process.env.POUW_DATA_DIR;
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  fs.rmSync(data(), { recursive: true, force: true });
  fs.rmSync(path.join(tmp, "resources"), { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, "resources"), { recursive: true });
  (process as { resourcesPath?: string }).resourcesPath = path.join(tmp, "resources");
  world.notices.length = 0;
  world.updater.checks = 0;
  world.app.isPackaged = true;
  fakes().broken = false;
});
const fakes = () => (globalThis as unknown as { __pouwFakes: { broken?: boolean } }).__pouwFakes;

const withFeed = () =>
  fs.writeFileSync(
    path.join(tmp, "resources", "app-update.yml"),
    "provider: generic\nurl: https://updates.example/pouw\n",
  );

describe("the Electron auto-update adapter (fake electron and electron-updater)", () => {
  it("records the opening, wraps the session with the updater and checks at once", async () => {
    withFeed();
    const core = await launch("1.0.0", async () => {
      expect(launches()).toMatchObject({ version: "1.0.0", state: "opening" });
      return memoryCore("1.0.0");
    });
    expect(launches()).toMatchObject({ version: "1.0.0", state: "opened", failedOpens: 0, lastGood: "1.0.0" });
    expect(core.getSnapshot().snapshot.update).toMatchObject({ currentVersion: "1.0.0" });
    expect(world.updater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: true });
    await vi.waitFor(() => expect(world.updater.checks).toBe(1));
    await vi.waitFor(() => expect(core.getSnapshot().snapshot.update?.status).toEqual({ state: "up-to-date" }));
    await core.close();
  });

  it("after an update that fails to open twice, says so in the error and a notice that shows the kept installer", async () => {
    withFeed();
    await (await launch("1.0.0", async () => memoryCore("1.0.0"))).close();
    const installer = path.join(data(), "updates", "1.0.0", "PoUW-Miner-Setup-1.0.0.exe");
    fs.mkdirSync(path.dirname(installer), { recursive: true });
    fs.writeFileSync(installer, "installer");
    const broken = async (): Promise<MainCore> => Promise.reject(new Error("the worker did not start"));

    await expect(launch("1.1.0", broken)).rejects.toThrow(/^the worker did not start$/);
    expect(world.notices).toEqual([]);
    const second = (await launch("1.1.0", broken).then(
      () => undefined,
      (err: unknown) => err,
    )) as { code?: string; message: string };
    expect(second).toMatchObject({ code: "INTERNAL" });
    expect(second.message).toBe(
      `the worker did not start — Version 1.1.0 failed to open its session twice in a row; the installer of 1.0.0 is kept at ${installer}: run it to go back.`,
    );
    expect(world.notices).toHaveLength(1);
    world.notices[0]!.click();
    expect(world.shell.showItemInFolder).toHaveBeenCalledWith(installer);
  });

  it("keeps the record but runs no updater in a build without an update feed", async () => {
    const inner = memoryCore("1.0.0");
    const core = await launch("1.0.0", async () => inner);
    expect(core).toBe(inner);
    expect(core.getSnapshot().snapshot.update).toBeUndefined();
    expect(launches()).toMatchObject({ state: "opened" });
    expect(world.updater.checks).toBe(0);
  });

  it("leaves a source checkout alone: no record, no updater", async () => {
    world.app.isPackaged = false;
    withFeed();
    const inner = memoryCore("1.0.0");
    expect(await launch("1.0.0", async () => inner)).toBe(inner);
    expect(fs.existsSync(path.join(data(), "updates"))).toBe(false);
  });

  it("names the GitHub releases page when no installer was kept", async () => {
    fs.writeFileSync(
      path.join(tmp, "resources", "app-update.yml"),
      "owner: pouw-network\nrepo: pouw-miner\nprovider: github\n",
    );
    await (await launch("1.0.0", async () => memoryCore("1.0.0"))).close();
    const broken = async (): Promise<MainCore> => Promise.reject(new Error("the worker did not start"));
    await launch("1.1.0", broken).catch(() => undefined);
    await expect(launch("1.1.0", broken)).rejects.toThrow(
      /reinstall 1\.0\.0 from https:\/\/github\.com\/pouw-network\/pouw-miner\/releases\.$/,
    );
    world.notices[0]!.click();
    expect(world.shell.openExternal).toHaveBeenCalledWith("https://github.com/pouw-network/pouw-miner/releases");
  });

  it("runs the miner without updates when electron-updater cannot be set up", async () => {
    withFeed();
    fakes().broken = true;
    const inner = memoryCore("1.0.0");
    expect(await launch("1.0.0", async () => inner)).toBe(inner);
    expect(launches()).toMatchObject({ state: "opened" });
  });

  it("does not count a quit before the session opened", async () => {
    withFeed();
    await (await launch("1.0.0", async () => memoryCore("1.0.0"))).close();
    let opened: (core: MainCore) => void = () => undefined;
    const pending = launch("1.1.0", () => new Promise<MainCore>((resolve) => (opened = resolve)));
    world.app.emit("before-quit");
    expect(launches()).toMatchObject({ version: "1.1.0", state: "closed", failedOpens: 0 });
    opened(memoryCore("1.1.0"));
    await (await pending).close();
  });
});
