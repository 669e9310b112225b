import { writable, type Readable } from "svelte/store";
import type { AppClient } from "../../../../src-shared/app-client.js";
import type { AppSnapshot, PatchMessage, SnapshotMessage } from "../../../../src-shared/app-contract.js";
import { toErrorShape, type ErrorShape } from "../../../../src-shared/errors.js";
import { applyPatch } from "../../../../src-shared/json-patch.js";

export type AppState =
  | { status: "loading" }
  | { status: "ready"; rev: number; snapshot: AppSnapshot }
  | { status: "error"; error: ErrorShape };

export interface AppStateStore extends Readable<AppState> {
  /** Subscribes to main's pushes and fetches the snapshot; returns the function that stops both. */
  connect(): () => void;
  /** Fetches a whole snapshot again (after an error, or when a patch does not follow on). */
  resync(): Promise<void>;
}

/**
 * The renderer's copy of main's state (DEVELOPERS.md §3): one snapshot, then patches applied in rev
 * order. Patches that arrive before the snapshot are held and replayed; a gap in revs or a patch that
 * does not apply means this copy is stale, so it asks for a fresh snapshot rather than guess.
 */
export function createAppState(client: AppClient): AppStateStore {
  const store = writable<AppState>({ status: "loading" });
  let current: { rev: number; snapshot: AppSnapshot } | undefined;
  let pending: PatchMessage[] = [];
  let syncing: Promise<void> | undefined;

  const publish = (): void => {
    if (current) store.set({ status: "ready", rev: current.rev, snapshot: current.snapshot });
  };

  const takeSnapshot = (message: SnapshotMessage): void => {
    if (current && message.rev < current.rev) return;
    current = { rev: message.rev, snapshot: message.snapshot };
    const held = pending.filter((p) => p.rev > message.rev).sort((a, b) => a.rev - b.rev);
    pending = [];
    for (const patch of held) if (!applyInOrder(patch)) return;
    publish();
  };

  /** False when the copy is stale and a resync was started. */
  const applyInOrder = (patch: PatchMessage): boolean => {
    if (!current) {
      pending.push(patch);
      return true;
    }
    if (patch.rev <= current.rev) return true;
    if (patch.rev !== current.rev + 1) return staleCopy();
    try {
      current = { rev: patch.rev, snapshot: applyPatch(current.snapshot, patch.ops) };
      return true;
    } catch {
      return staleCopy();
    }
  };

  const staleCopy = (): false => {
    current = undefined;
    void resync();
    return false;
  };

  const resync = (): Promise<void> => {
    syncing ??= client
      .invoke("getSnapshot", {})
      .then(takeSnapshot, (err: unknown) => {
        if (!current) store.set({ status: "error", error: toErrorShape(err) });
      })
      .finally(() => (syncing = undefined));
    return syncing;
  };

  return {
    subscribe: store.subscribe,
    resync,
    connect() {
      const offPatch = client.subscribe("patch", (patch) => {
        if (applyInOrder(patch)) publish();
      });
      const offSnapshot = client.subscribe("snapshot", takeSnapshot);
      void resync();
      return () => {
        offPatch();
        offSnapshot();
      };
    },
  };
}
