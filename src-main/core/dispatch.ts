import {
  invokeMethods,
  isInvokeMethod,
  type InvokeEnvelope,
  type InvokeMethod,
  type InvokeResult,
} from "../../src-shared/app-contract.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import { describeZodError } from "../../src-shared/settings-schema.js";
import type { MainCore, ParsedParams } from "./types.js";

type Handlers = { [M in InvokeMethod]: (core: MainCore, params: ParsedParams<M>) => Promise<InvokeResult<M>> };

// Typed as a mapped type over the contract: a method added there fails to compile until handled here.
const handlers: Handlers = {
  getSnapshot: async (core) => core.getSnapshot(),
  startMining: (core) => core.startMining(),
  stopMining: (core, p) => core.stopMining(p),
  getSettings: async (core) => core.getSettings(),
  updateSettings: (core, params) => core.updateSettings(params),
  getHardware: (core, p) => core.getHardware(p),
  completeSetupStep: (core, p) => core.completeSetupStep(p),
  createWallet: (core, p) => core.createWallet(p),
  importWallet: (core, p) => core.importWallet(p),
  unlockWallet: (core, p) => core.unlockWallet(p),
  revealRecoveryPhrase: (core, p) => core.revealRecoveryPhrase(p),
  confirmBackup: (core, p) => core.confirmBackup(p),
  exportKeystore: (core, p) => core.exportKeystore(p),
  estimateAction: (core, p) => core.estimateAction(p),
  register: (core, p) => core.register(p),
  topUpStake: (core, p) => core.topUpStake(p),
  unbond: (core, p) => core.unbond(p),
  withdrawStake: (core, p) => core.withdrawStake(p),
  claimRewards: (core, p) => core.claimRewards(p),
  listModels: (core) => core.listModels(),
  downloadModel: (core, p) => core.downloadModel(p),
  cancelDownload: (core, p) => core.cancelDownload(p),
  deleteModel: (core, p) => core.deleteModel(p),
  setActiveModel: (core, p) => core.setActiveModel(p),
  runBenchmark: (core, p) => core.runBenchmark(p),
  cancelBenchmark: (core, p) => core.cancelBenchmark(p),
  listTasks: (core, p) => core.listTasks(p),
  getTask: (core, p) => core.getTask(p),
  getSamples: (core, p) => core.getSamples(p),
  getLogs: (core, p) => core.getLogs(p),
  checkForUpdate: (core, p) => core.checkForUpdate(p),
  installUpdate: (core, p) => core.installUpdate(p),
};

function run<M extends InvokeMethod>(core: MainCore, method: M, params: ParsedParams<M>): Promise<InvokeResult<M>> {
  return handlers[method](core, params);
}

/**
 * Runs one invoke for any transport (Electron IPC, headless HTTP): checks the method name and params
 * against the contract, calls the core, and turns every failure into `{ ok: false, error }`.
 */
export async function dispatchInvoke(core: MainCore, method: unknown, rawParams: unknown): Promise<InvokeEnvelope<InvokeMethod>> {
  try {
    if (!isInvokeMethod(method)) throw new PouwError("NOT_FOUND", `unknown method ${JSON.stringify(method)}`);
    const parsed = invokeMethods[method].params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new PouwError("INVALID_PARAMS", `${method}: ${describeZodError(parsed.error)}`);
    }
    // The schema just checked is the method's own, so its output is that method's params.
    const result = await run(core, method, parsed.data as ParsedParams<typeof method>);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toErrorShape(err) };
  }
}
