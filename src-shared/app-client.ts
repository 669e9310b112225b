import type {
  InvokeEnvelope,
  InvokeMethod,
  InvokeParams,
  InvokeResult,
  PushChannel,
  PushPayload,
} from "./app-contract.js";
import { PouwError } from "./errors.js";

/**
 * How the renderer talks to the miner, whatever carries it: the Electron preload bridge, or HTTP and
 * a WebSocket for the headless miner. `invoke` rejects with a PouwError carrying main's error code.
 */
export interface AppClient {
  invoke<M extends InvokeMethod>(method: M, params: InvokeParams<M>): Promise<InvokeResult<M>>;
  subscribe<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void): () => void;
}

export function unwrapEnvelope<M extends InvokeMethod>(envelope: InvokeEnvelope<M>): InvokeResult<M> {
  if (envelope.ok) return envelope.result;
  throw PouwError.fromShape(envelope.error);
}
