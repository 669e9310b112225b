import type { RollbackOffer, UpdateStatus, UpdateView } from "../../src-shared/app-views.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import type { DownloadProgress, UpdateBackend, UpdateRelease } from "./backend.js";
import { miningIdle, type SessionGate } from "./session-gate.js";
import { isNewer } from "./versions.js";

/** Checks at start and then every six hours. */
export const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

export interface UpdaterTimers {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface UpdaterOptions {
  backend: UpdateBackend;
  currentVersion: string;
  session: SessionGate;
  /** This version failed to open twice after an update (launch-record.ts): shown until the app quits. */
  rollback?: RollbackOffer;
  intervalMs?: number;
  now?: () => number;
  timers?: UpdaterTimers;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

interface Ready {
  release: UpdateRelease;
  file: string;
}

const globalTimers: UpdaterTimers = {
  setInterval: (run, ms) => setInterval(run, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * The update decisions, in plain Node: check at start and every six hours, download a newer release
 * in the background, keep a verified download until it is installed, and install only when the user
 * asks and no task is in flight (the session's draining stop runs first; starting mining again
 * meanwhile puts the install off). Everything it knows is one `UpdateView`, published on each change.
 */
export class Updater {
  private view: UpdateView;
  private readonly listeners = new Set<(view: UpdateView) => void>();
  private ready: Ready | undefined;
  private checking: Promise<void> | undefined;
  private downloading: { controller: AbortController; done: Promise<void> } | undefined;
  private installing: Promise<void> | undefined;
  private cancelInstall: (() => void) | undefined;
  private timer: unknown;
  private stopped = false;
  private quitting = false;

  constructor(private readonly o: UpdaterOptions) {
    this.view = {
      currentVersion: o.currentVersion,
      status: { state: "idle" },
      ...(o.rollback ? { rollback: o.rollback } : {}),
    };
  }

  current(): UpdateView {
    return this.view;
  }

  subscribe(listener: (view: UpdateView) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Checks now, then every interval. */
  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    const every = this.o.intervalMs ?? CHECK_EVERY_MS;
    const timers = this.o.timers ?? globalTimers;
    this.timer = timers.setInterval(() => {
      this.set({ nextCheckAt: this.now() + every });
      void this.check();
    }, every);
    this.set({ nextCheckAt: this.now() + every });
    void this.check();
  }

  /**
   * Asks the feed (the user's "Check for updates", the start, the timer). Answers once the check is
   * done; a newer release then downloads in the background. Nothing is asked while a download or an
   * install is under way.
   */
  async check(): Promise<UpdateView> {
    if (this.stopped || this.downloading || this.installing) return this.view;
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    await this.checking;
    return this.view;
  }

  /**
   * The user's "Restart to update": answers at once with `installing`; once no task is in flight the
   * backend quits and installs. Starting mining again while waiting puts it off (back to `downloaded`).
   */
  async install(): Promise<UpdateView> {
    const ready = this.ready;
    if (!ready) throw new PouwError("NOT_FOUND", "no update has been downloaded yet");
    if (this.installing || this.stopped) return this.view;
    // A newer release still downloading is dropped: the restart comes first.
    this.downloading?.controller.abort();
    this.installing = this.runInstall(ready).finally(() => (this.installing = undefined));
    return this.view;
  }

  /**
   * The user quits with a verified update and a task in flight: the quit is held (true) while the
   * draining stop finishes the tasks, then the app quits and installs without starting again. With
   * no task in flight, or no update, the quit goes on at once (false) — a ready update is then
   * installed by the backend as the app closes. A second quit while holding goes on at once too.
   */
  holdQuit(quitAnyway: () => void): boolean {
    const ready = this.ready;
    if (!ready || this.stopped || this.quitting) return false;
    if (this.o.session.tasksInFlight() === 0) return false;
    this.quitting = true;
    this.downloading?.controller.abort();
    // A "Restart to update" already waiting for the drain goes on as it was (it restarts after).
    const install = this.installing ?? this.runInstall(ready, { restart: false, notInstalled: quitAnyway });
    this.installing = install.finally(() => (this.installing = undefined));
    return true;
  }

  /** Resolves when no check or download is under way (tests, and the end of a session). */
  async settled(): Promise<void> {
    while (this.checking || this.downloading) await (this.checking ?? this.downloading?.done);
  }

  /** Stops the timer, a download and a wait to install; the view stays as it is. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) (this.o.timers ?? globalTimers).clearInterval(this.timer);
    this.timer = undefined;
    this.downloading?.controller.abort();
    this.cancelInstall?.();
    this.listeners.clear();
  }

  private async runCheck(): Promise<void> {
    this.setStatus({ state: "checking" });
    let release: UpdateRelease | undefined;
    try {
      release = await this.o.backend.check();
    } catch (err) {
      this.set({ checkedAt: this.now() });
      return this.fail(err);
    }
    this.set({ checkedAt: this.now() });
    if (this.stopped) return;
    const ready = this.ready;
    if (!release)
      return this.setStatus(ready ? { state: "downloaded", version: ready.release.version } : { state: "up-to-date" });
    if (ready && !isNewer(release.version, ready.release.version))
      return this.setStatus({ state: "downloaded", version: ready.release.version });
    if (ready && !this.o.backend.keepsEarlierDownload) {
      // Downloading it would discard the verified one: it comes after the restart.
      this.log(
        "info",
        `update ${release.version} is out; it is fetched after restarting into ${ready.release.version}`,
      );
      return this.setStatus({ state: "available", version: release.version });
    }
    this.startDownload(release);
  }

  private startDownload(release: UpdateRelease): void {
    const { version } = release;
    const controller = new AbortController();
    this.setStatus({ state: "downloading", version, percent: 0, bytesPerSecond: 0, transferred: 0, total: 0 });
    this.log("info", `downloading update ${version}`);
    const onProgress = (p: DownloadProgress): void => {
      if (this.downloading?.controller !== controller || controller.signal.aborted) return;
      this.setStatus({ state: "downloading", version, ...clampProgress(p) });
    };
    const done = this.o.backend
      .download(release, onProgress, controller.signal)
      .then(
        (file) => {
          if (controller.signal.aborted) return;
          this.ready = { release, file };
          this.set({ ready: { version } });
          this.setStatus({ state: "downloaded", version });
          this.log("info", `update ${version} downloaded and verified`);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          // The earlier verified download, if any, stays ready: nothing is lost.
          this.fail(err);
        },
      )
      .finally(() => {
        if (this.downloading?.controller === controller) this.downloading = undefined;
      });
    this.downloading = { controller, done };
  }

  private async runInstall(ready: Ready, opts: { restart?: boolean; notInstalled?: () => void } = {}): Promise<void> {
    const { version } = ready.release;
    const gate = this.o.session;
    this.setStatus({ state: "installing", version, waitingFor: gate.tasksInFlight() });
    const outcome = await this.untilIdle(version);
    if (outcome !== "idle") {
      if (outcome === "resumed") this.log("info", `update ${version} put off: mining was started again`);
      if (!this.stopped && this.view.status.state === "installing") this.setStatus({ state: "downloaded", version });
      // A quit held for the drain still quits.
      opts.notInstalled?.();
      return;
    }
    try {
      this.log("info", `installing update ${version}`);
      await this.o.backend.install(ready.file, ready.release, { restart: opts.restart ?? true });
    } catch (err) {
      this.fail(err);
    }
  }

  /** Drains the session and waits until mining has stopped: "idle", or "resumed" when mining started again first. */
  private untilIdle(version: string): Promise<"idle" | "resumed" | "failed" | "stopped"> {
    const gate = this.o.session;
    if (miningIdle(gate.miningState())) return Promise.resolve("idle");
    return new Promise((resolve) => {
      let sawStopping = false;
      let finished = false;
      const finish = (outcome: "idle" | "resumed" | "failed" | "stopped"): void => {
        if (finished) return;
        finished = true;
        off();
        this.cancelInstall = undefined;
        resolve(outcome);
      };
      const look = (): void => {
        if (finished) return;
        const state = gate.miningState();
        if (miningIdle(state)) return finish("idle");
        if (state === "stopping") sawStopping = true;
        else if (sawStopping) return finish("resumed");
        this.setStatus({ state: "installing", version, waitingFor: gate.tasksInFlight() });
      };
      const off = gate.onChange(look);
      this.cancelInstall = () => finish("stopped");
      gate.drain().then(look, (err: unknown) => {
        if (finished) return;
        this.fail(err);
        finish("failed");
      });
      look();
    });
  }

  private fail(err: unknown): void {
    const { code, message } = toErrorShape(err, "DOWNLOAD_FAILED");
    this.log("warn", `update: ${message}`);
    this.setStatus({ state: "error", code, message });
  }

  private setStatus(status: UpdateStatus): void {
    this.set({ status });
  }

  private set(change: Partial<UpdateView>): void {
    this.view = { ...this.view, ...change };
    for (const listener of this.listeners) listener(this.view);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    this.o.log?.(level, message);
  }
}

function clampProgress(p: DownloadProgress): DownloadProgress {
  const finite = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);
  return {
    percent: Math.min(100, finite(p.percent)),
    bytesPerSecond: finite(p.bytesPerSecond),
    transferred: finite(p.transferred),
    total: finite(p.total),
  };
}
