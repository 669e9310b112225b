import { writable, type Readable } from "svelte/store";
import type { AppClient } from "../../../../src-shared/app-client.js";
import type { LiveSample } from "../../../../src-shared/app-views.js";

/** About ten minutes of readings at one every two seconds. */
export const SAMPLE_WINDOW = 300;

export interface SamplesStore extends Readable<LiveSample[]> {
  /** Seeds the window with getSamples and follows the `sample` channel; returns the stop function. */
  connect(): () => void;
}

/** A bounded, time-ordered window of hardware readings, seeded by getSamples and fed by `sample` pushes. */
export function createSamplesStore(client: AppClient, max = SAMPLE_WINDOW): SamplesStore {
  const store = writable<LiveSample[]>([]);
  let window: LiveSample[] = [];

  const add = (incoming: readonly LiveSample[]) => {
    const last = window[window.length - 1]?.at ?? Number.NEGATIVE_INFINITY;
    const fresh = incoming.filter((s) => s.at > last);
    if (fresh.length === 0) return;
    window = [...window, ...fresh].slice(-max);
    store.set(window);
  };

  return {
    subscribe: store.subscribe,
    connect() {
      // Pushes that arrive while the seed is in flight are held, then appended after it.
      let held: LiveSample[] | undefined = [];
      const off = client.subscribe("sample", (sample) => {
        if (held) held.push(sample);
        else add([sample]);
      });
      client
        .invoke("getSamples", {})
        .catch(() => [] as LiveSample[])
        .then((seed) => {
          add([...seed].sort((a, b) => a.at - b.at));
          const late = held ?? [];
          held = undefined;
          add(late);
        });
      return off;
    },
  };
}
