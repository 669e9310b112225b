import type { AppSnapshot, ModelListEntry, PatchMessage } from "../../src-shared/app-contract.js";
import { diff } from "../../src-shared/json-patch.js";
import type { SettingsStore } from "../settings/store.js";
import type { MainCore } from "./types.js";

export interface MemoryCoreOptions {
  appVersion: string;
  settings: SettingsStore;
  models?: ModelListEntry[];
}

const SIMULATED = "Simulated by the in-memory core: no chain or worker is connected yet";

/**
 * A MainCore with no chain and no worker: it keeps the snapshot, turns every change into a patch, and
 * walks the mining state the way the real core will (stopped → starting → mining → stopped), saying
 * plainly that it is simulated. Enough to build and test the shell and dashboard against.
 */
export function createMemoryCore(options: MemoryCoreOptions): MainCore {
  let rev = 0;
  let snapshot: AppSnapshot = {
    appVersion: options.appVersion,
    mining: { state: "stopped", reason: "Mining has not been started" },
    network: { name: "devnet", connected: false },
    tasks: [],
    earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
    settings: options.settings.get(),
  };
  const listeners = new Set<(patch: PatchMessage) => void>();

  const commit = (next: AppSnapshot): void => {
    const ops = diff(snapshot, next);
    snapshot = next;
    if (ops.length === 0) return;
    rev += 1;
    const message: PatchMessage = { rev, ops };
    for (const listener of listeners) listener(message);
  };
  const unsubscribeSettings = options.settings.onChange((settings) => commit({ ...snapshot, settings }));

  return {
    getSnapshot: () => ({ rev, snapshot }),
    onPatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async startMining() {
      if (snapshot.mining.state === "mining") return snapshot.mining;
      commit({ ...snapshot, mining: { state: "starting", reason: "Starting" } });
      commit({ ...snapshot, mining: { state: "mining", reason: SIMULATED } });
      return snapshot.mining;
    },
    async stopMining() {
      commit({ ...snapshot, mining: { state: "stopped", reason: "Stopped by you" } });
      return snapshot.mining;
    },
    getSettings: () => options.settings.get(),
    async updateSettings(update) {
      return options.settings.update(update);
    },
    async listModels() {
      return options.models ?? [];
    },
    async close() {
      unsubscribeSettings();
      listeners.clear();
    },
  };
}
