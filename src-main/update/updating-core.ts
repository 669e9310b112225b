import { invokeMethodNames, type InvokeMethod, type PatchMessage } from "../../src-shared/app-contract.js";
import type { PatchOp } from "../../src-shared/json-patch.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { LivePushes, liveChannelNames } from "../session/live-pushes.js";
import type { MainCore } from "../session/main-core.js";
import type { Updater } from "./updater.js";

type Forwarded = Exclude<InvokeMethod, "getSnapshot" | "getSettings" | "checkForUpdate" | "installUpdate">;

/**
 * The app session with its updater: the snapshot gains `update`, each change of the updater's view
 * is one more patch, and checkForUpdate / installUpdate go to the updater. Patches keep one revision
 * line: this wrapper's own hub takes on the session's patches and the updater's changes alike.
 */
export function withUpdates(core: MainCore, updater: Updater): MainCore {
  const pushes = new LivePushes();
  const inner = core.getSnapshot();
  const hub = new SnapshotHub({ ...inner.snapshot, update: updater.current() }, inner.rev);
  hub.subscribe((p) => pushes.emit("patch", p));

  // A patch that replaces the whole document (never from a session, but allowed) keeps `update`.
  const keepUpdate = (op: PatchOp): PatchOp =>
    op.path === "" && op.op !== "remove" && typeof op.value === "object" && op.value !== null
      ? { ...op, value: { ...op.value, update: hub.current().update } }
      : op;

  const offs = liveChannelNames.map((channel) =>
    core.subscribe(channel, (payload) => {
      if (channel !== "patch") return pushes.emit(channel, payload as never);
      hub.apply((payload as PatchMessage).ops.map(keepUpdate));
    }),
  );

  const offUpdater = updater.subscribe((next) => hub.update((s) => ({ ...s, update: next })));

  const forwarded = {} as Record<Forwarded, (params: never) => Promise<unknown>>;
  for (const method of invokeMethodNames) {
    if (
      method === "getSnapshot" ||
      method === "getSettings" ||
      method === "checkForUpdate" ||
      method === "installUpdate"
    )
      continue;
    forwarded[method] = (params: never) => (core[method] as (p: never) => Promise<unknown>)(params);
  }

  let closing: Promise<void> | undefined;
  return {
    ...(forwarded as unknown as Pick<MainCore, Forwarded>),
    getSnapshot: () => hub.message(),
    getSettings: () => core.getSettings(),
    checkForUpdate: () => updater.check(),
    installUpdate: () => updater.install(),
    onPatch: (listener) => pushes.subscribe("patch", listener),
    subscribe: (channel, listener) => pushes.subscribe(channel, listener),
    close: () =>
      (closing ??= (async () => {
        updater.stop();
        offUpdater();
        for (const off of offs) off();
        hub.clear();
        pushes.clear();
        await core.close();
      })()),
  };
}
