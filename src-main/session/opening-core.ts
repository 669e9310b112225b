import {
  invokeMethodNames,
  type AppSnapshot,
  type InvokeMethod,
  type PatchMessage,
} from "../../src-shared/app-contract.js";
import { PouwError, toErrorShape, type ErrorShape } from "../../src-shared/errors.js";
import { defaultSettings, type Settings } from "../../src-shared/settings-schema.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { LivePushes, liveChannelNames } from "./live-pushes.js";
import type { MainCore } from "./main-core.js";

/** What the placeholder snapshot shows before the core is there. */
export interface OpeningView {
  appVersion: string;
  networkName: string;
  /** Default: the schema's defaults (the real ones arrive with the core). */
  settings?: Settings;
  /** The first "starting" reason. */
  reason?: string;
}

/**
 * A MainCore that answers at once while the real one opens behind it (a devnet start, a wallet
 * unlock and a model load take seconds): the snapshot says `starting` with the step under way, and
 * every invoke that needs the core waits for it. A core that cannot open becomes the `error` state
 * and every invoke answers with that failure on one line. The Electron window and the headless
 * server both serve this, so the dashboard paints before the miner is up.
 */
export interface OpeningCore<C extends MainCore> extends MainCore {
  /** The real core once open; rejects with the original error when it could not open. */
  readonly opened: Promise<C>;
}

/** The one line shown for a core that could not open (window, dashboard, tray). */
export function openFailure(err: unknown): ErrorShape {
  const e = toErrorShape(err);
  return { code: e.code, message: `the miner did not start: ${e.message}` };
}

type Forwarded = Exclude<InvokeMethod, "getSnapshot" | "getSettings">;

/**
 * `open` gets `stage(reason)` to say what it is doing now. Patches keep one revision line across the
 * switch: the real core's snapshot arrives as one patch on top of the placeholder's, and the real
 * core's later patches are taken on by this core's own hub, so a client never sees its copy go backwards.
 */
export function openingCore<C extends MainCore>(
  view: OpeningView,
  open: (stage: (reason: string) => void) => Promise<C>,
): OpeningCore<C> {
  const pushes = new LivePushes();
  const hub = new SnapshotHub(startingSnapshot(view));
  hub.subscribe((p) => pushes.emit("patch", p));
  let real: C | undefined;
  let failure: ErrorShape | undefined;

  const stage = (reason: string): void => {
    if (!real && !failure) hub.update((s) => ({ ...s, mining: { state: "starting", reason } }));
  };
  const opened = Promise.resolve().then(() => open(stage));
  opened.then(
    (core) => {
      hub.update(() => core.getSnapshot().snapshot);
      real = core;
      for (const channel of liveChannelNames) {
        core.subscribe(channel, (payload) =>
          channel === "patch" ? hub.apply((payload as PatchMessage).ops) : pushes.emit(channel, payload as never),
        );
      }
    },
    (err: unknown) => {
      failure = openFailure(err);
      const reason = failure.message;
      hub.update((s) => ({ ...s, mining: { state: "error", reason } }));
    },
  );

  const ready = async (): Promise<C> => {
    try {
      return await opened;
    } catch {
      throw PouwError.fromShape(failure ?? { code: "INTERNAL", message: "the miner did not start" });
    }
  };
  const forwarded = {} as Record<Forwarded, (params: never) => Promise<unknown>>;
  for (const method of invokeMethodNames) {
    if (method === "getSnapshot" || method === "getSettings") continue;
    forwarded[method] = (params: never) => ready().then((c) => (c[method] as (p: never) => Promise<unknown>)(params));
  }

  let closing: Promise<void> | undefined;
  return {
    ...(forwarded as unknown as Pick<MainCore, Forwarded>),
    opened,
    getSnapshot: () => hub.message(),
    getSettings: () => (real ? real.getSettings() : hub.current().settings),
    onPatch: (listener) => pushes.subscribe("patch", listener),
    subscribe: (channel, listener) => pushes.subscribe(channel, listener),
    close: () =>
      (closing ??= opened.then(
        (c) => c.close().finally(() => pushes.clear()),
        () => pushes.clear(),
      )),
  };
}

function startingSnapshot(view: OpeningView): AppSnapshot {
  return {
    appVersion: view.appVersion,
    mining: { state: "starting", reason: view.reason ?? "Starting the miner…" },
    network: { name: view.networkName, connected: false },
    tasks: [],
    earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
    settings: view.settings ?? defaultSettings(),
  };
}
