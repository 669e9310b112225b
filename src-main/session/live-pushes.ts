import { pushChannelNames, type PushPayload } from "../../src-shared/app-contract.js";
import type { LiveChannel } from "./main-core.js";

/** Every push channel that follows the snapshot, in the contract's order. */
export const liveChannelNames: readonly LiveChannel[] = Object.freeze(
  pushChannelNames.filter((c): c is LiveChannel => c !== "snapshot"),
);

type Listener = (payload: never) => void;

/**
 * Listeners per live channel. A throwing listener (a closed socket, a destroyed window) must not
 * stop the others from getting the message, so each is called on its own.
 */
export class LivePushes {
  private readonly listeners = new Map<LiveChannel, Set<Listener>>();

  subscribe<C extends LiveChannel>(channel: C, listener: (payload: PushPayload<C>) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    const entry = listener as Listener;
    set.add(entry);
    return () => void set.delete(entry);
  }

  emit<C extends LiveChannel>(channel: C, payload: PushPayload<C>): void {
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        (listener as (p: PushPayload<C>) => void)(payload);
      } catch {
        // One broken subscriber is that subscriber's problem.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
