import type { Catalogue } from "../../src-shared/catalogue.js";
import type { HardwareReport } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import type { WorkerSupervisor } from "../worker-client/supervisor.js";
import type { BenchmarkAction } from "../models/benchmark-action.js";
import {
  claimAction,
  estimateChainAction,
  registerAction,
  topUpAction,
  unbondAction,
  withdrawStakeAction,
  type Declaration,
} from "../chain/chain-actions.js";
import { withdrawToAction } from "../chain/withdraw-action.js";
import type { LiveSampler } from "./live-samples.js";
import type { LogBuffer } from "./log-buffer.js";
import { benchmarkView, hardwareReport } from "../models/model-actions.js";
import { cappedThreads } from "../models/model-inference.js";
import type { SessionMiner } from "./session-miner.js";
import type { SessionState } from "./session-state.js";
import { findTask, queryTasks, withModelName } from "../miner/task-queries.js";
import type { CoreActions, MiningCore } from "./main-core.js";
import { noUpdater } from "../update/no-updater.js";

type Actions = CoreActions & Omit<MiningCore, "getSnapshot" | "onPatch" | "close">;

/** The contract's commands over the session's parts; each refreshes the snapshot after it acts. */
export function sessionActions(deps: {
  state: SessionState;
  miner: SessionMiner;
  bench: BenchmarkAction;
  worker: WorkerSupervisor;
  catalogue: Catalogue;
  setReport(report: HardwareReport): void;
  report(): HardwareReport | undefined;
  threads?: number;
  logs: LogBuffer;
  sampler: LiveSampler;
}): Actions {
  const { state, miner, bench } = deps;
  const { wallet, progress } = state;
  const after = async <T>(result: T): Promise<T> => {
    await state.refresh();
    return result;
  };
  const setupView = () =>
    state.hub.current().setup ?? progress.view({ wallet: wallet.state, modelInstalled: false, registered: false });
  // Estimating a registration before the benchmark still shows a fee: the speed does not change it.
  const estimateDeclaration = async (): Promise<Declaration> =>
    state.declaration().catch(() => ({ models: ["0x" + "00".repeat(32)], speed: 1 }));

  const probeReport = async (): Promise<HardwareReport> => {
    const report = hardwareReport(await deps.worker.call("probe", {}), deps.catalogue);
    deps.setReport(report);
    return report;
  };

  return {
    // The desktop shell wraps the session with its updater (src-main/update/updating-core.ts).
    ...noUpdater,
    startMining: () => miner.startMining(),
    stopMining: (params) => miner.stopMining(params),
    getSettings: () => state.settings.get(),
    updateSettings: async (update) => state.settings.update(update),

    async getHardware() {
      return after(await probeReport());
    },
    async completeSetupStep({ step }) {
      await progress.mark(step);
      await state.refresh();
      return setupView();
    },

    async createWallet({ password }) {
      const signer = await wallet.create(password);
      await state.onUnlocked(signer);
      return { address: signer.address };
    },
    async importWallet({ source, secret, password, keystorePassword }) {
      const signer = await wallet.import(source, secret, password, keystorePassword);
      // Whoever imports already holds the secret: there is nothing new to back up.
      await progress.mark("backup");
      await state.onUnlocked(signer);
      return { address: signer.address };
    },
    async unlockWallet({ password, remember }) {
      const signer = await wallet.unlock(password, remember);
      await state.onUnlocked(signer);
      return { address: signer.address };
    },
    async revealRecoveryPhrase({ password }) {
      if (progress.has("backup"))
        throw new PouwError("INVALID_PARAMS", "the recovery phrase was already backed up; export the keystore instead");
      return { words: await wallet.recoveryWords(password) };
    },
    async confirmBackup() {
      if (wallet.state === "none")
        throw new PouwError("NOT_FOUND", "there is no wallet yet — create or import one first");
      await progress.mark("backup");
      await state.refresh();
      return setupView();
    },
    async exportKeystore({ password }) {
      const json = await wallet.exportKeystore(password);
      const address = (await wallet.address()) ?? "wallet";
      return { fileName: `pouw-miner-${address}.json`, json };
    },

    async estimateAction({ action, amountWei, to }) {
      return estimateChainAction(state.account(), action, amountWei, await estimateDeclaration(), to);
    },
    async register({ stakeWei }) {
      const result = await registerAction(state.account(), stakeWei, await state.declaration());
      await progress.mark("register");
      return after(result);
    },
    topUpStake: async ({ amountWei }) => after(await topUpAction(state.account(), amountWei)),
    unbond: async ({ amountWei }) => {
      const result = await unbondAction(state.account(), amountWei);
      // Unbonding first: the node gets no new tasks from then on, while its tasks in flight may still
      // be answered (the contract asks only that the slot is ours). Then a draining stop finishes them;
      // it answers once started ("stopping" in the snapshot). A refused unbond leaves mining as it was.
      await miner.drain();
      return after(result);
    },
    withdrawStake: async () => after(await withdrawStakeAction(state.account())),
    claimRewards: async () => after(await claimAction(state.account())),
    withdrawTo: async ({ to, amountWei }) => after(await withdrawToAction(state.account(), to, amountWei)),

    async listModels() {
      const report = deps.report();
      return state.models.list({
        active: state.activeModel(),
        ...(report ? { report } : {}),
        benchmarks: await state.benchmarks(),
      });
    },
    async downloadModel({ id }) {
      return after({ started: state.models.start(id) });
    },
    async cancelDownload({ id }) {
      return { cancelled: state.models.cancel(id) };
    },
    async deleteModel({ id }) {
      return after({ deleted: await state.models.delete(id, state.activeModel()) });
    },
    async importModel({ path: file }) {
      // The fit is part of the answer: probe now if the first run's hardware step has not.
      const report = deps.report() ?? (await probeReport());
      return after(await state.models.importFile(file, { probe: report.probe }));
    },
    async setActiveModel({ id }) {
      if (!state.models.importedModel(id)) {
        const entry = state.models.entry(id);
        if (!(await state.models.installed(entry)))
          throw new PouwError("MODEL_FILE_MISSING", `${entry.name} is not downloaded yet`);
      }
      if (miner.running && state.activeModel()?.id !== id) {
        throw new PouwError(
          "ALREADY_RUNNING",
          "the miner is serving another model; changing it takes a restart of the app",
        );
      }
      state.settings.update({ activeModelId: id });
      return after({ activeModelId: id });
    },
    async runBenchmark({ id }) {
      const own = id ? state.models.importedModel(id) : undefined;
      const target = own ?? (id ? { id, path: state.models.pathOf(state.models.entry(id)) } : state.activeModel());
      if (!target) throw new PouwError("SETUP_INCOMPLETE", "choose a model to benchmark first");
      if (id && !own && !(await state.models.installed(state.models.entry(id))))
        throw new PouwError("MODEL_FILE_MISSING", `${id} is not downloaded yet`);
      // While the miner runs, the worker holds its model: only that one can be measured, in place.
      const loaded = miner.running;
      if (loaded && target.id !== state.activeModel()?.id) {
        throw new PouwError(
          "ALREADY_RUNNING",
          "the miner is using the worker; benchmark other models before mining starts",
        );
      }
      const { maxThreads, maxGpuLayers } = state.settings.get();
      const stored = await bench.run(
        {
          path: target.path,
          loaded,
          threads: cappedThreads(deps.threads, maxThreads),
          ...(maxGpuLayers !== undefined ? { gpuLayers: maxGpuLayers } : {}),
        },
        state.hub.current().benchmark,
      );
      const result = benchmarkView(target.id, stored);
      state.hub.update((s) => ({
        ...s,
        benchmark: { running: false, progress: { stage: "done", fraction: 1 }, result },
      }));
      // The earnings projection follows the new measurement.
      await miner.benchmarked();
      await progress.mark("benchmark");
      return after(result);
    },
    async cancelBenchmark() {
      return { cancelled: bench.cancel() };
    },

    async listTasks(filter) {
      const page = queryTasks(miner.records(), filter);
      const names = state.modelNames();
      return { ...page, rows: page.rows.map((r) => withModelName(r, names)) };
    },
    async getTask({ id }) {
      return withModelName(findTask(miner.records(), id, miner.deadlineOf(id.split("#")[0] ?? "")), state.modelNames());
    },
    async getSamples() {
      return deps.sampler.samples();
    },
    async getLogs(opts) {
      return deps.logs.lines(opts);
    },
  };
}
