import { writable, type Readable } from "svelte/store";
import type { AppClient } from "../../../../src-shared/app-client.js";
import type { ModelListEntry } from "../../../../src-shared/app-views.js";
import { toErrorShape } from "../../../../src-shared/errors.js";

export type ModelsState =
  { status: "loading" } | { status: "ready"; models: ModelListEntry[] } | { status: "error"; message: string };

export interface ModelsStore extends Readable<ModelsState> {
  /** Asks main for the catalogue again (after a download ends, a delete, a new active model). */
  refresh(): Promise<void>;
}

/** listModels is a request, not a pushed state: this store holds the last answer. */
export function createModelsStore(client: AppClient): ModelsStore {
  const store = writable<ModelsState>({ status: "loading" });
  let last: ModelListEntry[] | undefined;
  let inFlight: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    inFlight ??= client
      .invoke("listModels", {})
      .then(
        (models) => {
          last = models;
          store.set({ status: "ready", models });
        },
        (err: unknown) => {
          // A failed refresh keeps the list already shown rather than blanking the page.
          if (!last) store.set({ status: "error", message: toErrorShape(err).message });
        },
      )
      .finally(() => (inFlight = undefined));
    return inFlight;
  };
  return { subscribe: store.subscribe, refresh };
}
