import {
  InvokeEnvelopeShape,
  invokeMethodNames,
  invokeMethods,
  ipcChannels,
  pushChannelNames,
  pushChannels,
  subscribeFunctionName,
  type PouwBridge,
} from "../../src-shared/app-contract.js";
import type { ErrorShape } from "../../src-shared/errors.js";
import { describeZodError } from "../../src-shared/settings-schema.js";

type Listener = (event: unknown, ...args: unknown[]) => void;

/** The parts of ipcRenderer the bridge uses; structural so the bridge is built and tested without Electron. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: Listener): unknown;
  removeListener(channel: string, listener: Listener): unknown;
}

type BridgeFunction = (...args: never[]) => unknown;

/**
 * Builds `window.pouw` from the contract: one function per invoke method and one `on<Channel>` per
 * push channel. Params are checked here too so a bad call fails in the renderer without a round trip;
 * listeners get only the payload, never Electron's event (whose `sender` is ipcRenderer itself).
 */
export function buildPreloadApi(ipc: IpcRendererLike): PouwBridge {
  const api: Record<string, BridgeFunction> = {};
  for (const method of invokeMethodNames) {
    const channel = ipcChannels.invoke[method];
    api[method] = async (params: unknown) => {
      const parsed = invokeMethods[method].params.safeParse(params ?? {});
      if (!parsed.success) return failure("INVALID_PARAMS", `${method}: ${describeZodError(parsed.error)}`);
      const answer = InvokeEnvelopeShape.safeParse(await ipc.invoke(channel, parsed.data));
      return answer.success ? answer.data : failure("INTERNAL", `${method}: main sent a malformed answer`);
    };
  }
  for (const name of pushChannelNames) {
    const channel = ipcChannels.push[name];
    api[subscribeFunctionName(name)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== "function") throw new TypeError(`${subscribeFunctionName(name)} needs a function`);
      const wrapped: Listener = (_event, payload) => {
        const parsed = pushChannels[name].safeParse(payload);
        if (parsed.success) listener(parsed.data);
      };
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    };
  }
  return Object.freeze(api) as unknown as PouwBridge;
}

function failure(code: ErrorShape["code"], message: string): { ok: false; error: ErrorShape } {
  return { ok: false, error: { code, message } };
}
