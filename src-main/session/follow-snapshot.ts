import type { AppSnapshot } from "../../src-shared/app-contract.js";
import { SnapshotCopy } from "../../src-shared/snapshot-hub.js";
import type { MiningCore } from "./main-core.js";

/**
 * Follows a core's state: `onState` gets the current snapshot, then the snapshot after each patch
 * (re-read whole when a patch does not follow on from the last one). Returns the stop function.
 */
export function followSnapshot(
  core: Pick<MiningCore, "getSnapshot" | "onPatch">,
  onState: (snapshot: AppSnapshot) => void,
): () => void {
  const copy = new SnapshotCopy();
  copy.take(core.getSnapshot());
  onState(copy.current()!.snapshot);
  return core.onPatch((patch) => {
    const outcome = copy.apply(patch);
    if (outcome === "ignored") return;
    // Taken from the core just now, so never older than the stale copy was.
    if (outcome === "stale") copy.take(core.getSnapshot());
    onState(copy.current()!.snapshot);
  });
}
