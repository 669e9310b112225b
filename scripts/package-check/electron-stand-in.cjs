/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: dependencies (electron-updater) require("electron"), the app's ESM imports it through index.mjs */
// Electron's own API, replaced at the edge so the packaged main process runs under plain Node
// (npm run package:check): installed as node_modules/electron inside the extracted app, and nowhere
// else. What the app's shell does through it is real where it matters to the check — utility
// processes are real child processes, IPC handlers are called the way a window's renderer calls
// them, windows record what they load — and inert elsewhere (tray, menus, notifications).
"use strict";
const { EventEmitter } = require("node:events");
const { fork } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

/** Any property is a function; calling it returns undefined (falsy: "not on battery", "no keychain"). */
function inert(name) {
  const target = function () {};
  return new Proxy(target, {
    get: (_t, prop) => (prop === "then" ? undefined : inert(`${name}.${String(prop)}`)),
    apply: () => undefined,
    construct: () => inert(`new ${name}`),
  });
}

const record = { loaded: [], preloads: [], children: [], handlers: new Map(), pushes: [], quitting: false };
const appEvents = new EventEmitter();
const appRoot = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(appRoot, "package.json"), "utf8"));

const app = Object.assign(appEvents, {
  isPackaged: true,
  getVersion: () => pkg.version,
  getName: () => pkg.productName ?? pkg.name,
  getAppPath: () => appRoot,
  getPath: (name) => path.join(process.env.POUW_DATA_DIR ?? appRoot, `electron-${name}`),
  whenReady: () => Promise.resolve(),
  isReady: () => true,
  requestSingleInstanceLock: () => true,
  setLoginItemSettings: (s) => (record.loginItem = s),
  getLoginItemSettings: () => ({ openAtLogin: record.loginItem?.openAtLogin ?? false }),
  setAppUserModelId: () => undefined,
  quit: () => {
    if (record.quitting) return;
    record.quitting = true;
    appEvents.emit("before-quit", { preventDefault: () => undefined });
    appEvents.emit("will-quit", { preventDefault: () => undefined });
  },
  exit: (code) => process.exit(code ?? 0),
  commandLine: { appendSwitch: () => undefined, hasSwitch: () => false },
});

class WebContents extends EventEmitter {
  constructor(win) {
    super();
    this.win = win;
    this.id = ++WebContents.count;
    this.url = "about:blank";
  }
  send(channel, payload) {
    record.pushes.push({ channel, payload });
  }
  setWindowOpenHandler() {}
  getURL() {
    return this.url;
  }
  get mainFrame() {
    return { url: this.url, parent: null };
  }
}
WebContents.count = 0;

class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super();
    this.options = options;
    this.destroyed = false;
    this.webContents = new WebContents(this);
    record.windows = [...(record.windows ?? []), this];
    if (options.webPreferences?.preload) record.preloads.push(options.webPreferences.preload);
  }
  loadFile(file) {
    record.loaded.push(file);
    if (!fs.existsSync(file)) return Promise.reject(new Error(`ERR_FILE_NOT_FOUND: ${file}`));
    this.webContents.url = pathToFileURL(file).href;
    setImmediate(() => this.emit("ready-to-show"));
    return Promise.resolve();
  }
  loadURL(url) {
    this.webContents.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  destroy() {
    this.destroyed = true;
    this.emit("closed");
  }
}
for (const m of [
  "show",
  "hide",
  "focus",
  "restore",
  "close",
  "setMenu",
  "setMenuBarVisibility",
  "setProgressBar",
  "removeMenu",
]) {
  BrowserWindow.prototype[m] = function () {};
}
BrowserWindow.getAllWindows = () => (record.windows ?? []).filter((w) => !w.destroyed);

/** Electron's utilityProcess, as real child processes of this Node. */
const utilityProcess = {
  fork(modulePath, args, options = {}) {
    if (!fs.existsSync(modulePath)) throw new Error(`utilityProcess.fork: no such module ${modulePath}`);
    const child = fork(modulePath, args ?? [], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: options.env,
      serialization: "advanced",
    });
    record.children.push({ modulePath, serviceName: options.serviceName, pid: child.pid });
    const proc = new EventEmitter();
    Object.assign(proc, {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (m) => child.connected && child.send(m, () => undefined),
      kill: () => child.kill("SIGTERM"),
    });
    child.on("message", (m) => proc.emit("message", m));
    child.on("error", () => undefined);
    child.on("exit", (code, signal) => proc.emit("exit", code ?? (signal ? 1 : 0)));
    return proc;
  },
};

const ipcMain = {
  handle: (channel, fn) => record.handlers.set(channel, fn),
  removeHandler: (channel) => record.handlers.delete(channel),
  on: () => undefined,
};

/** The harness calls the app's IPC the way the window's renderer would: from the top frame showing the app. */
async function invoke(channel, params) {
  const handler = record.handlers.get(channel);
  if (!handler) throw new Error(`no IPC handler for ${channel}`);
  const win = BrowserWindow.getAllWindows()[0];
  if (!win) throw new Error("no window is open");
  return handler({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, params);
}

globalThis.__electronStandIn = { record, invoke, quit: () => app.quit() };

module.exports = {
  app,
  BrowserWindow,
  utilityProcess,
  ipcMain,
  session: { defaultSession: inert("session.defaultSession") },
  safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => "basic_text" },
  powerMonitor: Object.assign(new EventEmitter(), {
    getSystemIdleTime: () => 0,
    getSystemIdleState: () => "idle",
    isOnBatteryPower: () => false,
    onBatteryPower: false,
  }),
  powerSaveBlocker: { start: () => 1, stop: () => undefined, isStarted: () => false },
  Notification: Object.assign(inert("Notification"), { isSupported: () => false }),
  Tray: inert("Tray"),
  Menu: inert("Menu"),
  nativeImage: inert("nativeImage"),
  shell: inert("shell"),
  dialog: inert("dialog"),
  autoUpdater: inert("autoUpdater"),
  net: inert("net"),
  screen: inert("screen"),
};
