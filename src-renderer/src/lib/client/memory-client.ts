import type { AppClient } from "../../../../src-shared/app-client.js";
import type {
  InvokeMethod,
  InvokeParams,
  InvokeResult,
  PushChannel,
  PushPayload,
} from "../../../../src-shared/app-contract.js";
import { PouwError } from "../../../../src-shared/errors.js";

export type MemoryHandlers = {
  [M in InvokeMethod]?: (params: InvokeParams<M>) => Promise<InvokeResult<M>> | InvokeResult<M>;
};

export interface MemoryClient extends AppClient {
  /** Delivers a push message to the current subscribers, as main would. */
  emit<C extends PushChannel>(channel: C, payload: PushPayload<C>): void;
  /** Every invoke so far, in order, for assertions. */
  readonly calls: { method: InvokeMethod; params: unknown }[];
}

/** An AppClient answered by plain functions: for component tests and for previewing the UI. */
export function createMemoryClient(handlers: MemoryHandlers): MemoryClient {
  const listeners = new Map<PushChannel, Set<(payload: never) => void>>();
  const calls: { method: InvokeMethod; params: unknown }[] = [];
  return {
    calls,
    async invoke<M extends InvokeMethod>(method: M, params: InvokeParams<M>): Promise<InvokeResult<M>> {
      calls.push({ method, params });
      const handler = handlers[method] as
        ((p: InvokeParams<M>) => Promise<InvokeResult<M>> | InvokeResult<M>) | undefined;
      if (!handler) throw new PouwError("NOT_FOUND", `${method} is not handled by this memory client`);
      return handler(params);
    },
    subscribe<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    emit<C extends PushChannel>(channel: C, payload: PushPayload<C>) {
      for (const listener of listeners.get(channel) ?? []) (listener as (p: PushPayload<C>) => void)(payload);
    },
  };
}
