import {
  invokeMethods,
  isInvokeMethod,
  type InvokeEnvelope,
  type InvokeMethod,
  type InvokeResult,
} from "../../src-shared/app-contract.js";
import { PouwError, toErrorShape } from "../../src-shared/errors.js";
import { describeZodError } from "../../src-shared/settings-schema.js";
import type { MainCore, ParsedParams } from "./main-core.js";

/**
 * A core seen through the contract: for each invoke method, a function of that method's parsed params.
 * A MainCore is one as it is (checked where dispatchInvoke passes it to `run`): a method added to the
 * contract fails to compile until the core has it, and no table here lists the methods again.
 */
type ContractHandlers = {
  [M in InvokeMethod]: (params: ParsedParams<M>) => InvokeResult<M> | Promise<InvokeResult<M>>;
};

async function run<M extends InvokeMethod>(
  core: ContractHandlers,
  method: M,
  params: ParsedParams<M>,
): Promise<InvokeResult<M>> {
  return core[method](params);
}

/**
 * Runs one invoke for any transport (Electron IPC, headless HTTP): checks the method name and params
 * against the contract, calls the core, and turns every failure into `{ ok: false, error }`.
 */
export async function dispatchInvoke(
  core: MainCore,
  method: unknown,
  rawParams: unknown,
): Promise<InvokeEnvelope<InvokeMethod>> {
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
