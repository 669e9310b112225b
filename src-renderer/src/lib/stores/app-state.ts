import { writable, type Readable } from "svelte/store";
import type { AppClient } from "../../../../src-shared/app-client.js";
import type { AppSnapshot, SnapshotMessage } from "../../../../src-shared/app-contract.js";
import { toErrorShape, type ErrorShape } from "../../../../src-shared/errors.js";
import { SnapshotCopy } from "../../../../src-shared/snapshot-hub.js";

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
 * The renderer's copy of main's state (DEVELOPERS.md §3), kept by the same SnapshotCopy main's own
 * followers use: one snapshot, then patches in rev order; when the copy turns stale (a gap, a patch
 * that does not apply) it asks for a fresh snapshot rather than guess.
 */
export function createAppState(client: AppClient): AppStateStore {
  const store = writable<AppState>({ status: "loading" });
  const copy = new SnapshotCopy();
  let syncing: Promise<void> | undefined;

  const publish = (): void => {
    const current = copy.current();
    if (current) store.set({ status: "ready", rev: current.rev, snapshot: current.snapshot });
  };

  const takeSnapshot = (message: SnapshotMessage): void => {
    const outcome = copy.take(message);
    if (outcome === "stale") void resync();
    else if (outcome === "applied") publish();
  };

  const resync = (): Promise<void> => {
    syncing ??= client
      .invoke("getSnapshot", {})
      .then(takeSnapshot, (err: unknown) => {
        if (!copy.current()) store.set({ status: "error", error: toErrorShape(err) });
      })
      .finally(() => (syncing = undefined));
    return syncing;
  };

  return {
    subscribe: store.subscribe,
    resync,
    connect() {
      const offPatch = client.subscribe("patch", (patch) => {
        if (copy.apply(patch) === "stale") void resync();
        else publish();
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
