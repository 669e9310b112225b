import type { AppClient } from "../../../../src-shared/app-client.js";
import type { LiveSample } from "../../../../src-shared/app-views.js";
import { seededWindow, type SeededWindow } from "./seeded-window.js";

/** About ten minutes of readings at one every two seconds. */
export const SAMPLE_WINDOW = 300;

export type SamplesStore = SeededWindow<LiveSample>;

/** A bounded, time-ordered window of hardware readings, seeded by getSamples and fed by `sample` pushes. */
export function createSamplesStore(client: AppClient, max = SAMPLE_WINDOW): SamplesStore {
  return seededWindow<LiveSample>({
    max,
    follow: (push) => client.subscribe("sample", push),
    fetchSeed: async () => [...(await client.invoke("getSamples", {}))].sort((a, b) => a.at - b.at),
    // Only readings newer than the last one kept: a push the seed already holds is dropped.
    fresh: (window, incoming) => {
      const last = window[window.length - 1]?.at ?? Number.NEGATIVE_INFINITY;
      return incoming.filter((s) => s.at > last);
    },
  });
}
