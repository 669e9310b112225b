import { getContext, setContext } from "svelte";
import type { Readable } from "svelte/store";
import type { AppClient } from "../../../src-shared/app-client.js";
import type { AppSnapshot } from "../../../src-shared/app-contract.js";
import type { AppState, AppStateStore } from "./stores/app-state.js";
import type { LogsStore } from "./stores/logs.js";
import type { ModelsStore } from "./stores/models.js";
import type { SamplesStore } from "./stores/samples.js";

/** What every page needs from the app: the client and the stores built once on top of it. */
export interface AppContext {
  client: AppClient;
  appState: AppStateStore;
  /** The app state coalesced to one update per animation frame: what pages render from. */
  view: Readable<AppState>;
  samples: SamplesStore;
  logs: LogsStore;
  models: ModelsStore;
}

const KEY = Symbol("pouw-app");

export function provideApp(context: AppContext): void {
  setContext(KEY, context);
}

export function useApp(): AppContext {
  const context = getContext<AppContext | undefined>(KEY);
  if (!context) throw new Error("useApp() outside <App>: pages are only rendered inside the app shell");
  return context;
}

/** Pages render only once the state is ready; this reads the snapshot they were given. */
export function snapshotOf(state: AppState): AppSnapshot | undefined {
  return state.status === "ready" ? state.snapshot : undefined;
}
