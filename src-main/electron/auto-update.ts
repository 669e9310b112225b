import fs from "node:fs";
import path from "node:path";
import { Notification, app, shell } from "electron";
import electronUpdater from "electron-updater";
import type { RollbackOffer } from "../../src-shared/app-views.js";
import { PouwError, firstLine, toErrorShape } from "../../src-shared/errors.js";
import type { MainCore } from "../session/main-core.js";
import { appDataDir } from "../paths.js";
import { electronUpdaterBackend } from "../update/electron-updater-backend.js";
import { LaunchRecord } from "../update/launch-record.js";
import { sessionGate } from "../update/session-gate.js";
import { UpdateStore } from "../update/update-store.js";
import { Updater } from "../update/updater.js";
import { withUpdates } from "../update/updating-core.js";

const log = (level: "info" | "warn" | "error", message: string): void =>
  (level === "info" ? console.log : console.warn)(`PoUW Miner update: ${message}`);

/**
 * Auto-update in the packaged app (docs/electron.md, "Updates"): records this launch around the
 * session's opening (a freshly updated version that fails to open twice in a row offers the previous
 * installer), then wraps the open session with the Updater over electron-updater. A source checkout
 * (not packaged) opens the session untouched: no record, no updater, no `update` in the snapshot.
 */
export function withAutoUpdate(open: () => Promise<MainCore>): Promise<MainCore> {
  if (!app.isPackaged) return open();
  // Electron sets resourcesPath in every packaged app; without it there is no app-update.yml to read.
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const feed = resources ? feedOf(path.join(resources, "app-update.yml")) : { present: false };
  const store = new UpdateStore(path.join(appDataDir(), "updates"));
  const version = app.getVersion();
  let launch: LaunchRecord | undefined;
  try {
    launch = LaunchRecord.begin(store, version, feed.releaseUrl ? { releaseUrl: feed.releaseUrl } : {});
    store.prune(version, launch.keepVersions());
  } catch (err) {
    log("warn", `the launch record cannot be kept: ${toErrorShape(err).message}`);
  }
  const earlier = launch?.offer();
  if (earlier) offerRollback(earlier);
  let opened = false;
  app.on("before-quit", () => {
    if (!opened) quietly(() => launch?.closedBeforeOpen());
  });
  return open().then(
    (core) => {
      opened = true;
      quietly(() => launch?.opened());
      if (!feed.present) {
        log("info", "off: this build names no update feed (app-update.yml, from electron-builder's publish setting)");
        return core;
      }
      try {
        return startUpdates(core, store, version, earlier);
      } catch (err) {
        // The miner runs on without updates rather than not at all.
        log("error", `off: ${toErrorShape(err).message}`);
        return core;
      }
    },
    (err: unknown) => {
      const offer = quietly(() => launch?.failed());
      if (!offer) throw err;
      offerRollback(offer);
      const e = toErrorShape(err);
      throw new PouwError(e.code, `${e.message} — ${offer.message}`);
    },
  );
}

let holdQuit: ((quitAnyway: () => void) => boolean) | undefined;

/**
 * Asked by the shell's before-quit: true when the quit waits for the tasks in flight to finish
 * before a downloaded update installs (the app then quits and installs without starting again;
 * `quitAnyway` is called if the drain ends without installing). False: quit now.
 */
export function holdQuitForUpdate(quitAnyway: () => void): boolean {
  return holdQuit?.(quitAnyway) ?? false;
}

function startUpdates(
  core: MainCore,
  store: UpdateStore,
  version: string,
  rollback: RollbackOffer | undefined,
): MainCore {
  const { autoUpdater } = electronUpdater;
  // The Updater starts the download itself right after a check finds a release (so it can keep a
  // verified download and cancel), and installs on the user's click after the drain.
  autoUpdater.autoDownload = false;
  // Quitting with a verified update and no task in flight installs it once the app has closed (no
  // restart); with a task in flight the quit first waits for the drain (holdQuitForUpdate).
  autoUpdater.autoInstallOnAppQuit = true;
  // verifyUpdateCodeSignature stays electron-updater's own: on Windows the installer must be signed
  // by app-update.yml's publisherName; macOS's Squirrel.Mac checks the code signature itself.
  // electron-updater logs its own "error" events through this logger; the promises carry them to the Updater.
  autoUpdater.logger = {
    info: () => undefined,
    warn: (m: unknown) => log("warn", firstLine(String(m))),
    error: (m: unknown) => log("error", firstLine(String(m))),
  };
  const updater = new Updater({
    backend: electronUpdaterBackend(autoUpdater, store, log),
    currentVersion: version,
    session: sessionGate(core),
    ...(rollback ? { rollback } : {}),
    log,
  });
  const wrapped = withUpdates(core, updater);
  holdQuit = (quitAnyway) => updater.holdQuit(quitAnyway);
  updater.start();
  return wrapped;
}

/** Says so in a notification; clicking it shows the kept installer in its folder, or opens the download page. */
function offerRollback(offer: RollbackOffer): void {
  log("warn", offer.message);
  if (!Notification.isSupported()) return;
  const notice = new Notification({ title: `PoUW Miner ${offer.version} does not start`, body: offer.message });
  notice.on("click", () => {
    if (offer.installerPath) shell.showItemInFolder(offer.installerPath);
    else if (offer.url?.startsWith("https://")) void shell.openExternal(offer.url).catch(() => undefined);
  });
  notice.show();
}

/** Whether the build has an update feed, and a page to download earlier releases from (generic or GitHub). */
function feedOf(file: string): { present: boolean; releaseUrl?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return { present: false };
  }
  const field = (name: string) => new RegExp(`^${name}:\\s*['"]?([^\\s'"]+)`, "m").exec(text)?.[1];
  const url = field("url");
  const owner = field("owner");
  const repo = field("repo");
  const releaseUrl = url?.startsWith("https://")
    ? url
    : owner && repo
      ? `https://github.com/${owner}/${repo}/releases`
      : undefined;
  return { present: true, ...(releaseUrl ? { releaseUrl } : {}) };
}

function quietly<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (err) {
    log("warn", `the launch record cannot be kept: ${toErrorShape(err).message}`);
    return undefined;
  }
}
