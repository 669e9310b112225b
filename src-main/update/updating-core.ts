import { invokeMethodNames, type InvokeMethod, type PatchMessage, type SnapshotMessage } from "../../src-shared/app-contract.js";
import type { UpdateView } from "../../src-shared/app-views.js";
import { diff, type PatchOp } from "../../src-shared/json-patch.js";
import { LivePushes, liveChannelNames } from "../core/live-pushes.js";
import type { MainCore } from "../core/types.js";
import type { Updater } from "./updater.js";

type Forwarded = Exclude<InvokeMethod, "getSnapshot" | "getSettings" | "checkForUpdate" | "installUpdate">;

/**
 * The app session with its updater: the snapshot gains `update`, each change of the updater's view
 * is one more patch, and checkForUpdate / installUpdate go to the updater. Patches keep one revision
 * line: the session's are renumbered after the updater's, so a client never sees a gap.
 */
export function withUpdates(core: MainCore, updater: Updater): MainCore {
  const pushes = new LivePushes();
  let shown: UpdateView = updater.current();
  // Revisions: the session's last forwarded patch, plus one for every updater patch so far.
  let innerRev = core.getSnapshot().rev;
  let offset = 0;

  // A patch that replaces the whole document (never from a session, but allowed) keeps `update`.
  const keepUpdate = (op: PatchOp): PatchOp =>
    op.path === "" && op.op !== "remove" && typeof op.value === "object" && op.value !== null ? { ...op, value: { ...op.value, update: shown } } : op;

  const offs = liveChannelNames.map((channel) =>
    core.subscribe(channel, (payload) => {
      if (channel !== "patch") return pushes.emit(channel, payload as never);
      const patch = payload as PatchMessage;
      innerRev = patch.rev;
      pushes.emit("patch", { rev: patch.rev + offset, ops: patch.ops.map(keepUpdate) });
    }),
  );

  const offUpdater = updater.subscribe((next) => {
    const ops = diff({ update: shown }, { update: next });
    shown = next;
    if (ops.length === 0) return;
    offset += 1;
    pushes.emit("patch", { rev: innerRev + offset, ops });
  });

  const forwarded = {} as Record<Forwarded, (params: never) => Promise<unknown>>;
  for (const method of invokeMethodNames) {
    if (method === "getSnapshot" || method === "getSettings" || method === "checkForUpdate" || method === "installUpdate") continue;
    forwarded[method] = (params: never) => (core[method] as (p: never) => Promise<unknown>)(params);
  }

  let closing: Promise<void> | undefined;
  return {
    ...(forwarded as unknown as Pick<MainCore, Forwarded>),
    getSnapshot: (): SnapshotMessage => {
      const m = core.getSnapshot();
      return { rev: m.rev + offset, snapshot: { ...m.snapshot, update: shown } };
    },
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
        pushes.clear();
        await core.close();
      })()),
  };
}
