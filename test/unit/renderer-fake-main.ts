import type { AppSnapshot } from "../../src-shared/app-contract.js";
import type { SetupState } from "../../src-shared/app-views.js";
import { diff } from "../../src-shared/json-patch.js";
import {
  createMemoryClient,
  type MemoryClient,
  type MemoryHandlers,
} from "../../src-renderer/src/lib/client/memory-client.js";
import { previewSnapshot } from "../../src-renderer/src/lib/client/preview-snapshot.js";

/**
 * A stand-in for main in component tests: it holds a snapshot, answers getSnapshot, and turns every
 * change a handler makes into a patch on the `patch` channel, as main does.
 */
export interface FakeMain {
  client: MemoryClient;
  snapshot(): AppSnapshot;
  update(change: Partial<AppSnapshot>): void;
  setSetup(change: Partial<SetupState>): SetupState;
}

export function fakeMain(
  initial: Partial<AppSnapshot>,
  handlers: (main: FakeMain) => MemoryHandlers = () => ({}),
): FakeMain {
  let rev = 0;
  let snap = previewSnapshot(initial);
  const main: FakeMain = {
    client: undefined as unknown as MemoryClient,
    snapshot: () => snap,
    update(change) {
      const next = { ...snap, ...change };
      const ops = diff(snap, next);
      snap = next;
      rev += 1;
      main.client.emit("patch", { rev, ops });
    },
    setSetup(change) {
      const setup = { ...(snap.setup ?? { done: [], complete: false, wallet: "none" as const }), ...change };
      main.update({ setup });
      return setup;
    },
  };
  main.client = createMemoryClient({ getSnapshot: () => ({ rev, snapshot: snap }), ...handlers(main) });
  return main;
}

export const setupState = (done: SetupState["done"], wallet: SetupState["wallet"] = "unlocked"): SetupState => ({
  done,
  complete: false,
  wallet,
});
