import {
  invokeMethods,
  isInvokeMethod,
  type InvokeEnvelope,
  type InvokeMethod,
  type InvokeResult,
} from "../../src-shared/app-contract.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import { describeZodError } from "../../src-shared/settings-schema.js";
import type { MainCore } from "./types.js";

type Handlers = { [M in InvokeMethod]: (core: MainCore, params: unknown) => Promise<InvokeResult<M>> };

// Typed as a mapped type over the contract: a method added there fails to compile until handled here.
const handlers: Handlers = {
  getSnapshot: async (core) => core.getSnapshot(),
  startMining: (core) => core.startMining(),
  stopMining: (core) => core.stopMining(),
  getSettings: async (core) => core.getSettings(),
  updateSettings: (core, params) => core.updateSettings(params),
  listModels: (core) => core.listModels(),
};

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
    const result = await handlers[method](core, parsed.data);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toErrorShape(err) };
  }
}
