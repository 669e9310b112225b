import path from "node:path";
import {
  Menu,
  Notification,
  app,
  powerMonitor,
  powerSaveBlocker,
  safeStorage,
  session,
  utilityProcess,
  type BrowserWindow,
} from "electron";
import { openAppSession } from "../session/app-session.js";
import { createMemoryCore } from "../session/memory-core.js";
import type { MainCore } from "../session/main-core.js";
import { appDataDir } from "../paths.js";
import { relayingLauncher } from "../runtime/launch-relay.js";
import { setLauncher, utilityLauncher } from "../runtime/launcher.js";
import { runtimeFiles } from "../runtime/runtime-files.js";
import { holdSecretEnv } from "../runtime/secret-env.js";
import { polledActivitySource } from "../desktop/activity-source.js";
import { openSettings } from "../settings/store.js";
import { holdQuitForUpdate, withAutoUpdate } from "./auto-update.js";
import { installAppMenu } from "./app-menu.js";
import { createFrame, guardWebContents, lockDownSession } from "./create-window.js";
import { powerMonitorIdleSource } from "./idle-source.js";
import { openFailure, registerIpc } from "./ipc.js";
import { installLoginItem, launchedHidden } from "./login-item.js";
import type { AppOrigin } from "./navigation-guard.js";
import { showNotices } from "./notifications.js";
import { installKeepAwake, powerMonitorBatterySource } from "./power.js";
import { safeStorageKeeper } from "./safe-storage-keeper.js";
import { createTray } from "./tray.js";

// A wallet password left in the environment must not reach the app's children (worker, devnet).
holdSecretEnv();
// Every file the shell loads and every process it starts comes from the runtime registry: the
// same names from a checkout (npm start) and from inside the installed app's archive.
const files = runtimeFiles();
// The app's binary runs no Node child of its own (the RunAsNode fuse is off): the worker and the
// devnet's peer miners run as utility processes.
setLauncher(
  relayingLauncher(utilityLauncher((modulePath, args, options) => utilityProcess.fork(modulePath, args, options))),
);
const devServerUrl = !app.isPackaged ? process.env.POUW_DEV_SERVER_URL : undefined;
const origin: AppOrigin = { rendererDir: files.rendererDir, ...(devServerUrl ? { devServerUrl } : {}) };

let mainWindow: BrowserWindow | undefined;
let quitting = false;
let stopNotices: (() => void) | undefined;
let stopDesktop: Array<() => void> = [];

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createFrame({
      origin,
      preloadPath: files.preload,
      iconPath: files.icon,
      load: devServerUrl ? { url: devServerUrl } : { file: files.rendererIndex },
    });
    mainWindow.on("closed", () => (mainWindow = undefined));
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/**
 * The app session (devnet or the configured network, wallet unlocked from the UI or the keychain).
 * POUW_PREVIEW=1 runs the in-memory preview core instead: for working on the UI with no chain;
 * POUW_PREVIEW_DELAY_MS=N makes it open N ms late, as a devnet start does, to see the loading state.
 */
async function openCore(): Promise<MainCore> {
  const dataDir = appDataDir();
  if (process.env.POUW_PREVIEW === "1") {
    const delay = Number(process.env.POUW_PREVIEW_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return createMemoryCore({ appVersion: app.getVersion(), settings: openSettings({ cwd: dataDir }) });
  }
  const network = openSettings({ cwd: dataDir }).get().network;
  const keeper = safeStorageKeeper(safeStorage, path.join(dataDir, "wallet", "remembered-password.bin"));
  return openAppSession({
    dataDir,
    network,
    appVersion: app.getVersion(),
    ...(keeper ? { keeper } : {}),
    idleSource: powerMonitorIdleSource(powerMonitor),
    batterySource: powerMonitorBatterySource(powerMonitor),
    activitySource: polledActivitySource(),
    onLog: (line) => console.log(line),
  });
}

/** What needs the open core: start on login from its settings; the tray, notifications and keeping awake from its snapshot. */
function whenOpen(core: MainCore, tray: ReturnType<typeof createTray>): void {
  stopDesktop = [installLoginItem(core, app), installKeepAwake(core, powerSaveBlocker)];
  tray.update(core.getSnapshot().snapshot.mining);
  core.onPatch(() => tray.update(core.getSnapshot().snapshot.mining));
  stopNotices = showNotices(core, Notification, showWindow);
}

/**
 * The window shows at once and the core opens behind it (a devnet start takes seconds): the
 * renderer shows its loading state until the IPC handlers, which wait for the core, answer. A core
 * that cannot open is an error the window shows, not a crash; the tray says so too.
 */
function start(): void {
  installAppMenu(Menu, app);
  lockDownSession(session.defaultSession, origin);
  const core = withAutoUpdate(openCore);
  const unregister = registerIpc(core, origin, () => (mainWindow ? [mainWindow] : []));
  const withCore = (use: (c: MainCore) => unknown) => void core.then(use, () => undefined);
  const tray = createTray(files.resourcesDir, {
    show: showWindow,
    start: () => withCore((c) => c.startMining()),
    stop: () => withCore((c) => c.stopMining()),
    quit: () => app.quit(),
  });
  tray.update({ state: "starting", reason: "Starting the miner…" });
  core.then(
    (c) => {
      if (!quitting) whenOpen(c, tray);
    },
    (err: unknown) => {
      const { message } = openFailure(err);
      console.error(`PoUW Miner: ${message}`);
      if (!quitting) tray.update({ state: "error", reason: message });
    },
  );

  // Quitting with a downloaded update and a task in flight: the window goes, the drain finishes
  // the tasks, then the app quits and installs. A second quit meanwhile quits at once.
  let quitHeld = false;
  app.on("before-quit", (event) => {
    const release = () => ((quitHeld = true), app.quit());
    if (!quitHeld && holdQuitForUpdate(release)) {
      quitHeld = true;
      event.preventDefault();
      mainWindow?.hide();
      tray.update({
        state: "stopping",
        reason: "Finishing the tasks in flight, then installing the update and quitting…",
      });
      return;
    }
    quitting = true;
    unregister();
    stopNotices?.();
    for (const stop of stopDesktop) stop();
    tray.destroy();
    withCore((c) => c.close());
  });
  // Started at login: the miner runs in the tray; the tray's Show (or a second launch) opens the window.
  if (!launchedHidden(app)) showWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on("second-instance", showWindow);
  app.on("web-contents-created", (_event, contents) => guardWebContents(contents, origin));
  // The miner keeps working from the tray when its window closes; Quit in the tray ends it.
  app.on("window-all-closed", () => {
    if (quitting) app.quit();
  });
  app.on("activate", showWindow);
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error(`PoUW Miner failed to start: ${err instanceof Error ? err.message : String(err)}`);
      app.exit(1);
    });
}
