import { PouwError } from "../../src-shared/errors.js";
import { LivePushes } from "./live-pushes.js";
import type { MinerCore } from "./miner-core.js";
import type { MainCore } from "./types.js";

// INTERIM (replaced by the app session, app-session.ts): the headless miner's core answers the
// mining part of the contract and refuses the first-run and wallet methods with a clear error.
const notYet = (method: string) => Promise.reject(new PouwError("SETUP_INCOMPLETE", `${method} is not available in this build of the headless miner yet`));

export function interimCore(core: MinerCore): MainCore {
  const pushes = new LivePushes();
  const off = core.onPatch((p) => pushes.emit("patch", p));
  return {
    getSnapshot: () => core.getSnapshot(),
    onPatch: (l) => pushes.subscribe("patch", l),
    subscribe: (c, l) => pushes.subscribe(c, l),
    startMining: () => core.startMining(),
    stopMining: () => core.stopMining(),
    getSettings: () => core.getSettings(),
    updateSettings: (u) => core.updateSettings(u),
    listModels: () => core.listModels(),
    getHardware: () => notYet("getHardware"),
    completeSetupStep: () => notYet("completeSetupStep"),
    createWallet: () => notYet("createWallet"),
    importWallet: () => notYet("importWallet"),
    unlockWallet: () => notYet("unlockWallet"),
    revealRecoveryPhrase: () => notYet("revealRecoveryPhrase"),
    confirmBackup: () => notYet("confirmBackup"),
    exportKeystore: () => notYet("exportKeystore"),
    estimateAction: () => notYet("estimateAction"),
    register: () => notYet("register"),
    topUpStake: () => notYet("topUpStake"),
    unbond: () => notYet("unbond"),
    withdrawStake: () => notYet("withdrawStake"),
    claimRewards: () => notYet("claimRewards"),
    downloadModel: () => notYet("downloadModel"),
    cancelDownload: () => notYet("cancelDownload"),
    deleteModel: () => notYet("deleteModel"),
    setActiveModel: () => notYet("setActiveModel"),
    runBenchmark: () => notYet("runBenchmark"),
    cancelBenchmark: () => notYet("cancelBenchmark"),
    listTasks: () => notYet("listTasks"),
    getTask: () => notYet("getTask"),
    getSamples: async () => [],
    getLogs: async () => [],
    close: async () => {
      off();
      pushes.clear();
      await core.close();
    },
  };
}
