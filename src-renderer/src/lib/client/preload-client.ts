import type { AppClient } from "../../../../src-shared/app-client.js";
import { unwrapEnvelope } from "../../../../src-shared/app-client.js";
import {
  subscribeFunctionName,
  type InvokeEnvelope,
  type PouwBridge,
  type PushChannel,
  type PushPayload,
} from "../../../../src-shared/app-contract.js";
import { PouwError } from "../../../../src-shared/errors.js";

const MISSING = "window.pouw is missing: this page must be opened by the PoUW Miner app";

/** The AppClient over Electron's preload bridge (`window.pouw`). */
export function createPreloadClient(bridge: PouwBridge | undefined): AppClient {
  return {
    async invoke(method, params) {
      if (!bridge) throw new PouwError("INTERNAL", MISSING);
      // The bridge is a table keyed by method; TypeScript cannot narrow a union key to one signature.
      const call = bridge[method] as (p: typeof params) => Promise<InvokeEnvelope<typeof method>>;
      return unwrapEnvelope(await call(params));
    },
    subscribe<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void) {
      if (!bridge) return () => {};
      const on = bridge[subscribeFunctionName(channel)] as (l: (payload: PushPayload<C>) => void) => () => void;
      return on(listener);
    },
  };
}
