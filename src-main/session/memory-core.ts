import { HDNodeWallet } from "ethers";
import type { ModelListEntry } from "../../src-shared/app-contract.js";
import type { LogLevel, SetupState } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import type { TaskRecord } from "../../src-shared/task-record.js";
import type { SettingsStore } from "../settings/store.js";
import { LivePushes } from "./live-pushes.js";
import { LogBuffer } from "./log-buffer.js";
import { findTask, liveTasks, queryTasks } from "../miner/task-queries.js";
import type { MainCore } from "./main-core.js";
import { noUpdater } from "../update/no-updater.js";

export interface MemoryCoreOptions {
  appVersion: string;
  settings: SettingsStore;
  models?: ModelListEntry[];
  /** Task history to show (tests of the history table). */
  records?: TaskRecord[];
  /** Show the first-run flow (`snapshot.setup`); without it the preview needs no set-up, as the contract allows. */
  firstRun?: boolean;
}

const SIMULATED = "Simulated by the in-memory core: no chain or worker is connected yet";
const NO_CHAIN = "the in-memory preview core has no chain: run the app session (pouw-miner headless) for chain actions";
const NO_WORKER =
  "the in-memory preview core has no worker: run the app session (pouw-miner headless) to probe or benchmark";

/**
 * A MainCore with no chain and no worker, for tests and previews: it keeps the snapshot, turns every
 * change into a patch, and walks the mining state the way the real core does (stopped → starting →
 * mining → stopped), saying plainly that it is simulated. The wallet is real but lives only in memory
 * (nothing is written); models are only flags (nothing is downloaded); anything that needs the chain
 * or the worker fails with a code and says why.
 */
export function createMemoryCore(options: MemoryCoreOptions): MainCore {
  const records = options.records ?? [];
  let models = options.models ?? [];
  const initialSetup: SetupState = { done: [], complete: false, wallet: "none" };
  const hub = new SnapshotHub({
    appVersion: options.appVersion,
    mining: { state: "stopped", reason: "Mining has not been started" },
    network: { name: "devnet", connected: false },
    tasks: liveTasks(records),
    earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
    settings: options.settings.get(),
    ...(options.firstRun ? { setup: initialSetup } : {}),
    downloads: {},
  });
  const pushes = new LivePushes();
  hub.subscribe((p) => pushes.emit("patch", p));
  const logs = new LogBuffer(500);
  let wallet: { signer: HDNodeWallet; password: string; phraseShown: boolean } | undefined;

  const log = (level: LogLevel, message: string) => {
    const line = { at: Date.now(), level, message };
    logs.push(line);
    pushes.emit("log", line);
  };
  let setup = initialSetup;
  const setSetup = (change: (s: SetupState) => SetupState): SetupState => {
    setup = change(setup);
    if (options.firstRun) hub.update((s) => ({ ...s, setup }));
    return setup;
  };
  const markDone = (s: SetupState, step: SetupState["done"][number]): SetupState =>
    s.done.includes(step) ? s : { ...s, done: [...s.done, step] };
  const unsubscribeSettings = options.settings.onChange((settings) => hub.update((s) => ({ ...s, settings })));
  const needWallet = (password: string) => {
    if (!wallet) throw new PouwError("NOT_FOUND", "no wallet yet — create or import one first");
    if (password !== wallet.password) throw new PouwError("WRONG_PASSWORD", "wrong wallet password");
    return wallet;
  };
  const adoptWallet = (signer: HDNodeWallet, password: string, phraseShown: boolean) => {
    if (wallet) throw new PouwError("INVALID_PARAMS", "a wallet already exists; it is never overwritten");
    wallet = { signer, password, phraseShown };
    hub.update((s) => ({ ...s, walletAddress: signer.address }));
    setSetup((s) => markDone({ ...s, wallet: "unlocked" }, "wallet"));
    log("info", `in-memory wallet ${signer.address} (not saved anywhere)`);
    return { address: signer.address };
  };
  const model = (id: string) => {
    const found = models.find((m) => m.id === id);
    if (!found) throw new PouwError("UNKNOWN_MODEL", `unknown model ${id}`);
    return found;
  };
  const setModels = (next: ModelListEntry[]) => {
    models = next;
    const active = models.find((m) => m.active);
    hub.update((s) => ({ ...s, ...(active ? { activeModelId: active.id } : {}) }));
  };
  log("info", "in-memory preview core started: no chain, no worker");

  return {
    ...noUpdater,
    getSnapshot: () => hub.message(),
    onPatch: (listener) => pushes.subscribe("patch", listener),
    subscribe: (channel, listener) => pushes.subscribe(channel, listener),
    async startMining() {
      if (hub.current().mining.state === "mining") return hub.current().mining;
      hub.update((s) => ({ ...s, mining: { state: "starting", reason: "Starting" } }));
      hub.update((s) => ({ ...s, mining: { state: "mining", reason: SIMULATED } }));
      log("info", "mining started (simulated)");
      return hub.current().mining;
    },
    async stopMining() {
      hub.update((s) => ({ ...s, mining: { state: "stopped", reason: "Stopped by you" } }));
      log("info", "mining stopped");
      return hub.current().mining;
    },
    getSettings: () => options.settings.get(),
    async updateSettings(update) {
      return options.settings.update(update);
    },
    async getHardware() {
      throw new PouwError("WORKER_UNAVAILABLE", NO_WORKER);
    },
    async completeSetupStep({ step }) {
      return setSetup((s) => markDone(s, step));
    },
    async createWallet({ password }) {
      return adoptWallet(HDNodeWallet.createRandom(), password, false);
    },
    async importWallet({ source, secret, password }) {
      if (source !== "mnemonic")
        throw new PouwError("INVALID_PARAMS", "the in-memory preview core imports only a recovery phrase");
      return adoptWallet(HDNodeWallet.fromPhrase(secret.trim().split(/\s+/).join(" ")), password, true);
    },
    async unlockWallet({ password }) {
      return { address: needWallet(password).signer.address };
    },
    async revealRecoveryPhrase({ password }) {
      const w = needWallet(password);
      if (w.phraseShown)
        throw new PouwError(
          "INVALID_PARAMS",
          "the recovery phrase was already shown once; export the keystore instead",
        );
      w.phraseShown = true;
      return { words: (w.signer.mnemonic?.phrase ?? "").split(" ") };
    },
    async confirmBackup() {
      if (!wallet) throw new PouwError("NOT_FOUND", "no wallet yet — create or import one first");
      wallet.phraseShown = true;
      return setSetup((s) => markDone(s, "backup"));
    },
    async exportKeystore() {
      throw new PouwError("NOT_FOUND", "the in-memory preview core keeps no keystore on disk");
    },
    estimateAction: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    register: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    topUpStake: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    unbond: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    withdrawStake: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    claimRewards: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    withdrawTo: async () => Promise.reject(new PouwError("CHAIN_ERROR", NO_CHAIN)),
    importModel: async () =>
      Promise.reject(new PouwError("INVALID_PARAMS", "the preview has no models folder to import into")),
    async listModels() {
      return models;
    },
    async downloadModel({ id }) {
      // Only a flag flips: the preview never touches the network or the disk.
      model(id);
      setModels(models.map((m) => (m.id === id ? { ...m, installed: true } : m)));
      hub.update((s) => ({
        ...s,
        downloads: { ...s.downloads, [id]: { state: "done", progress: { stage: "simulated", fraction: 1 } } },
      }));
      return { started: true };
    },
    async cancelDownload({ id }) {
      model(id);
      return { cancelled: false };
    },
    async deleteModel({ id }) {
      const m = model(id);
      if (m.active) throw new PouwError("INVALID_PARAMS", `${m.name} is the active model; choose another one first`);
      setModels(models.map((x) => (x.id === id ? { ...x, installed: false } : x)));
      return { deleted: m.installed };
    },
    async setActiveModel({ id }) {
      const m = model(id);
      if (!m.installed) throw new PouwError("MODEL_FILE_MISSING", `${m.name} is not downloaded`);
      setModels(models.map((x) => ({ ...x, active: x.id === id })));
      setSetup((s) => markDone(s, "model"));
      return { activeModelId: id };
    },
    runBenchmark: async () => Promise.reject(new PouwError("WORKER_UNAVAILABLE", NO_WORKER)),
    async cancelBenchmark() {
      return { cancelled: false };
    },
    async listTasks(filter) {
      return queryTasks(records, filter);
    },
    async getTask({ id }) {
      return findTask(records, id);
    },
    async getSamples() {
      return [];
    },
    async getLogs(opts) {
      return logs.lines(opts);
    },
    async close() {
      unsubscribeSettings();
      hub.clear();
      pushes.clear();
    },
  };
}
