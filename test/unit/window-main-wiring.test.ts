import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { importWithFakes } from "../helpers/bundle-with-fakes.js";
import { invokeMethodNames, ipcChannels, shellChannels } from "../../src-shared/app-contract.js";

/**
 * Runs the real shell entry (src-main/electron/main.ts, bundled as for the app) against a fake
 * `electron` module: Electron's binary is not available here and no test may start it. This checks
 * the wiring the pure unit tests cannot: one locked-down window, every contract channel handled,
 * senders checked, navigation and new windows refused, the CSP header installed.
 */
type Fn = (...args: never[]) => unknown;
class Emitter {
  readonly listeners = new Map<string, Fn[]>();
  on(event: string, fn: Fn): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Fn): this {
    return this.on(event, fn);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => unknown)(...args);
  }
}
class FakeWebContents extends Emitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: [string, unknown][] = [];
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }): void {
    this.openHandler = fn;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
}

/** One launch's fake Electron: its app, windows, IPC handlers, session hooks and tray tooltips. */
function fakeElectronWorld() {
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    getAppPath: () => process.cwd(),
    getVersion: () => "0.0.0-test",
    requestSingleInstanceLock: () => true,
    setLoginItemSettings: vi.fn(),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    whenReady: () => Promise.resolve(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends Emitter {
    static fromWebContents(contents: unknown): FakeWindow | null {
      return windows.find((w) => w.webContents === contents) ?? null;
    }
    readonly webContents = new FakeWebContents();
    loadedFile: string | undefined;
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      windows.push(this);
      app.emit("web-contents-created", {}, this.webContents);
    }
    loadFile(file: string): Promise<void> {
      this.loadedFile = file;
      return Promise.resolve();
    }
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
    show(): void {}
    focus(): void {}
    restore(): void {}
    isMinimized(): boolean {
      return false;
    }
    isDestroyed(): boolean {
      return false;
    }
  }
  const handlers = new Map<string, (event: unknown, params: unknown) => Promise<unknown>>();
  const session = {
    headerListener: undefined as ((details: unknown, cb: (r: unknown) => void) => void) | undefined,
    permissionHandler: undefined as ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined,
  };
  const tooltips: string[] = [];
  const notifications: { options: { title?: string; body?: string }; click(): void }[] = [];
  const notificationSupport = vi.fn(() => true);
  class FakeNotification extends Emitter {
    static isSupported = notificationSupport;
    constructor(readonly options: { title?: string; body?: string }) {
      super();
    }
    show(): void {
      notifications.push({ options: this.options, click: () => this.emit("click") });
    }
    close(): void {}
  }
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, params: unknown) => Promise<unknown>) => handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof session.headerListener) => (session.headerListener = fn) },
        setPermissionRequestHandler: (fn: typeof session.permissionHandler) => (session.permissionHandler = fn),
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: vi.fn(async () => {}) },
    dialog: {
      showOpenDialog: vi.fn(async (..._args: unknown[]) => ({
        canceled: false,
        filePaths: ["/home/me/models/mine.gguf"],
      })),
    },
    Tray: class extends Emitter {
      setImage(): void {}
      setToolTip(text: string): void {
        tooltips.push(text);
      }
      setContextMenu(): void {}
      destroy(): void {}
    },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: vi.fn() },
    nativeImage: { createFromPath: (file: string) => ({ file }) },
    powerMonitor: { getSystemIdleTime: () => 0, isOnBatteryPower: () => false, on: vi.fn(), removeListener: vi.fn() },
    powerSaveBlocker: { start: vi.fn(() => 1), stop: vi.fn() },
    // The preview core starts no worker; main only hands fork to the launcher.
    utilityProcess: { fork: vi.fn() },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => "" },
    Notification: FakeNotification,
  };
  return { app, windows, handlers, session, tooltips, notifications, notificationSupport, electron };
}
type World = ReturnType<typeof fakeElectronWorld>;

/** Bundles main.ts as the app is bundled, with `electron` resolved to the world's fake, and runs it. */
async function launch(world: World, outDir: string): Promise<void> {
  (globalThis as Record<string, unknown>).__pouwFakeElectron = world.electron;
  // Laid out as the app build (dist/electron): the runtime registry names files from there.
  const outfile = path.join(outDir, "dist", "electron", "main.js");
  await importWithFakes(path.join("src-main", "electron", "main.ts"), outfile, {
    electron: `const f = globalThis.__pouwFakeElectron; export const { ${Object.keys(world.electron).join(", ")} } = f;`,
  });
}

// The preview core opens this late, as a devnet start does: long enough to see the window wait.
const CORE_DELAY_MS = 1_500;
const world = fakeElectronWorld();
const { windows, handlers, session, tooltips, notifications, notificationSupport } = world;
const fakeElectron = world.electron;
let tmp: string;
beforeAll(async () => {
  // Inside the repository, so the bundle's external packages resolve from node_modules as in the app.
  const cache = path.join(process.cwd(), "node_modules", ".cache");
  fs.mkdirSync(cache, { recursive: true });
  tmp = fs.mkdtempSync(path.join(cache, "pouw-shell-"));
  process.env.POUW_DATA_DIR = path.join(tmp, "data");
  // The in-memory preview core: the real session would start a devnet, far beyond a wiring check.
  process.env.POUW_PREVIEW = "1";
  process.env.POUW_PREVIEW_DELAY_MS = String(CORE_DELAY_MS);
  await launch(world, tmp);
  // Well within the core's delay: the window does not wait for it.
  await vi.waitFor(() => expect(windows).toHaveLength(1), { timeout: CORE_DELAY_MS / 2 });
}, 60_000);
afterAll(() => {
  delete process.env.POUW_DATA_DIR;
  delete process.env.POUW_PREVIEW;
  delete process.env.POUW_PREVIEW_DELAY_MS;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const win = () => {
  const w = windows[0];
  if (!w) throw new Error("no window");
  return w;
};
const rendererIndex = () => path.join(tmp, "dist", "renderer", "index.html");
const ourEvent = (url = pathToFileURL(rendererIndex()).href) => ({
  sender: win().webContents,
  senderFrame: { url, parent: null },
});

describe("Electron shell wiring (fake electron)", () => {
  it("shows the window before the core has opened; invokes wait for the core", async () => {
    const getSnapshot = handlers.get(ipcChannels.invoke.getSnapshot);
    let answered = false;
    const answer = getSnapshot?.(ourEvent(), {}).finally(() => (answered = true));
    // The window is up and its question is pending: the renderer shows its loading state.
    await new Promise((r) => setTimeout(r, CORE_DELAY_MS / 3));
    expect(answered).toBe(false);
    expect(tooltips.at(-1)).toBe("PoUW Miner — Starting: Starting the miner…");
    expect(await answer).toMatchObject({ ok: true, result: { rev: 0, snapshot: { appVersion: "0.0.0-test" } } });
    expect(tooltips.at(-1)).toMatch(/^PoUW Miner — Stopped: /);
  });

  it("creates one locked-down window showing the built renderer", () => {
    expect(win().options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(win().options.webPreferences?.preload).toBe(path.join(tmp, "dist", "electron", "preload.cjs"));
    expect(win().loadedFile).toBe(rendererIndex());
  });

  it("handles exactly the contract's invoke channels and the shell's named ones", () => {
    expect([...handlers.keys()].sort()).toEqual(
      [...invokeMethodNames.map((m) => ipcChannels.invoke[m]), ...Object.values(shellChannels)].sort(),
    );
  });

  it("answers chooseModelFile with the path picked in a native .gguf dialog, only to our page", async () => {
    const choose = handlers.get(shellChannels.chooseModelFile);
    expect(await choose?.(ourEvent(), undefined)).toBe("/home/me/models/mine.gguf");
    const [owner, options] = world.electron.dialog.showOpenDialog.mock.calls[0] ?? [];
    expect(owner).toBe(win());
    expect(options).toMatchObject({ properties: ["openFile"], filters: [{ extensions: ["gguf"] }] });
    world.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await choose?.(ourEvent(), undefined)).toBeNull();
    const calls = world.electron.dialog.showOpenDialog.mock.calls.length;
    expect(await choose?.(ourEvent("https://evil.example/"), undefined)).toBeNull();
    expect(world.electron.dialog.showOpenDialog.mock.calls.length).toBe(calls);
  });

  it("answers our page and refuses other senders", async () => {
    const getSnapshot = handlers.get(ipcChannels.invoke.getSnapshot);
    expect(await getSnapshot?.(ourEvent(), {})).toMatchObject({
      ok: true,
      result: { rev: 0, snapshot: { appVersion: "0.0.0-test" } },
    });
    expect(await getSnapshot?.(ourEvent("https://evil.example/"), {})).toMatchObject({
      ok: false,
      error: { code: "UNTRUSTED_SENDER" },
    });
    const stranger = { sender: new FakeWebContents(), senderFrame: ourEvent().senderFrame };
    expect(await getSnapshot?.(stranger, {})).toMatchObject({ ok: false, error: { code: "UNTRUSTED_SENDER" } });
    const iframe = { sender: win().webContents, senderFrame: { url: ourEvent().senderFrame.url, parent: {} } };
    expect(await getSnapshot?.(iframe, {})).toMatchObject({ ok: false, error: { code: "UNTRUSTED_SENDER" } });
  });

  it("pushes the core's patches to the window", async () => {
    await handlers.get(ipcChannels.invoke.startMining)?.(ourEvent(), {});
    const patches = win().webContents.sent.filter(([channel]) => channel === ipcChannels.push.patch);
    expect(patches.length).toBeGreaterThanOrEqual(2);
    expect(patches.at(-1)?.[1]).toMatchObject({ rev: patches.length });
  });

  it("watches the open core for notifications, starting from its state: starting and stopping tell nothing", async () => {
    await vi.waitFor(() => expect(notificationSupport).toHaveBeenCalledTimes(1));
    await handlers.get(ipcChannels.invoke.stopMining)?.(ourEvent(), {});
    await handlers.get(ipcChannels.invoke.startMining)?.(ourEvent(), {});
    expect(notifications).toEqual([]);
  });

  it("blocks navigation away from the app and opens only https links outside", () => {
    const navigate = (url: string) => {
      const event = { url, preventDefault: vi.fn() };
      win().webContents.emit("will-navigate", event);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate("https://evil.example/")).toBe(true);
    expect(navigate("file:///etc/passwd")).toBe(true);
    expect(navigate(pathToFileURL(rendererIndex()).href)).toBe(false);
    expect(win().webContents.openHandler?.({ url: "https://docs.example/" })).toEqual({ action: "deny" });
    expect(win().webContents.openHandler?.({ url: "file:///etc/passwd" })).toEqual({ action: "deny" });
    expect(fakeElectron.shell.openExternal.mock.calls).toEqual([["https://docs.example/"]]);
  });

  it("sets an application menu (a development build: DevTools included) and registers no login item from a checkout", () => {
    const template = JSON.stringify(fakeElectron.Menu.setApplicationMenu.mock.calls);
    expect(fakeElectron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(template).toContain('"toggleDevTools"');
    expect(world.app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it("adds the CSP header and refuses permissions", () => {
    let headers: unknown;
    session.headerListener?.({ responseHeaders: { "X-A": ["1"] } }, (r) => (headers = r));
    expect(headers).toMatchObject({
      responseHeaders: { "X-A": ["1"], "Content-Security-Policy": [expect.stringContaining("default-src 'none'")] },
    });
    let granted: boolean | undefined;
    session.permissionHandler?.({}, "media", (ok) => (granted = ok));
    expect(granted).toBe(false);
  });
});

describe("Electron shell whose core cannot open (fake electron)", () => {
  const failing = fakeElectronWorld();
  const errors: string[] = [];
  beforeAll(async () => {
    // A data folder that cannot be made: the core fails to open, as a broken devnet start would.
    const blocker = path.join(tmp, "not-a-folder");
    fs.writeFileSync(blocker, "");
    process.env.POUW_DATA_DIR = path.join(blocker, "data");
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    await launch(failing, path.join(tmp, "failing"));
    await vi.waitFor(() => expect(failing.windows).toHaveLength(1));
  }, 60_000);
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("keeps the window and answers every invoke with the failure on one line", async () => {
    const event = {
      sender: failing.windows[0]!.webContents,
      senderFrame: {
        url: pathToFileURL(path.join(tmp, "failing", "dist", "renderer", "index.html")).href,
        parent: null,
      },
    };
    for (const method of ["getSnapshot", "startMining", "listModels"] as const) {
      const answer = (await failing.handlers.get(ipcChannels.invoke[method])?.(event, {})) as {
        ok: boolean;
        error?: { code: string; message: string };
      };
      expect(answer).toMatchObject({
        ok: false,
        error: { code: "INTERNAL", message: expect.stringMatching(/^the miner did not start: ENOTDIR/) },
      });
      expect(answer.error?.message).not.toContain("\n");
    }
    expect(failing.app.exit).not.toHaveBeenCalled();
    expect(failing.app.quit).not.toHaveBeenCalled();
    expect(failing.tooltips.at(-1)).toMatch(/^PoUW Miner — Error: the miner did not start: /);
    // No core, nothing to watch: the window and tray already say it.
    expect(failing.notificationSupport).not.toHaveBeenCalled();
    expect(errors).toEqual([expect.stringMatching(/^PoUW Miner: the miner did not start: ENOTDIR/)]);
  });
});
