import type { AppSnapshot } from "../../src-shared/app-contract.js";
import { applyPatch } from "../../src-shared/json-patch.js";
import type { MiningCore } from "./types.js";

/**
 * Follows a core's state: `onState` gets the current snapshot, then the snapshot after each patch
 * (re-read whole when a patch does not follow on from the last one). Returns the stop function.
 */
export function followSnapshot(core: Pick<MiningCore, "getSnapshot" | "onPatch">, onState: (snapshot: AppSnapshot) => void): () => void {
  let { rev, snapshot } = core.getSnapshot();
  onState(snapshot);
  return core.onPatch((patch) => {
    if (patch.rev <= rev) return;
    try {
      if (patch.rev !== rev + 1) throw new Error("missed a patch");
      snapshot = applyPatch(snapshot, patch.ops);
      rev = patch.rev;
    } catch {
      ({ rev, snapshot } = core.getSnapshot());
    }
    onState(snapshot);
  });
}
