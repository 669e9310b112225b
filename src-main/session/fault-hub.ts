import type { AppSnapshot, MiningStatus } from "../../src-shared/app-contract.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";

/** What can stop a running miner from working without stopping it: each shown with its reason. */
export type FaultKind = "chain" | "devnet" | "disk";

/** States in which the miner means to work, and so a fault makes it "degraded". */
const WORKING: ReadonlySet<MiningStatus["state"]> = new Set(["starting", "mining", "paused"]);

/**
 * The session's snapshot hub, telling the truth about mining: while a fault stands (the chain
 * unreachable, the disk full, the local network restarting), a miner that means to work is shown
 * as "degraded" with the fault's reason — on the dashboard, the tray and /api/status alike.
 *
 * The parts of the session keep reading and writing the mining status they set (`current()` and
 * `update()` see it); only what clients receive (`message()`, patches) carries the overlay.
 */
export class FaultHub extends SnapshotHub {
  private intended: MiningStatus;
  private readonly faults = new Map<FaultKind, string>();

  constructor(initial: AppSnapshot) {
    super(initial);
    this.intended = initial.mining;
  }

  override current(): AppSnapshot {
    return { ...super.current(), mining: this.intended };
  }

  override update(change: (s: AppSnapshot) => AppSnapshot): void {
    super.update((shown) => {
      const next = change({ ...shown, mining: this.intended });
      this.intended = next.mining;
      return { ...next, mining: this.show(next.mining) };
    });
  }

  /** Sets (a reason) or clears (undefined) one fault; the shown state follows at once. */
  setFault(kind: FaultKind, reason: string | undefined): void {
    if (reason === undefined) this.faults.delete(kind);
    else this.faults.set(kind, reason);
    super.update((shown) => ({ ...shown, mining: this.show(this.intended) }));
  }

  fault(kind: FaultKind): string | undefined {
    return this.faults.get(kind);
  }

  /** The chain answered (or did not) just now: the "chain" fault starts, keeps its time, or ends. */
  chainReached(ok: boolean, now = Date.now()): void {
    if (!ok && !this.faults.has("chain")) this.setFault("chain", `chain unreachable ${since(now)}`);
    if (ok && this.faults.has("chain")) this.setFault("chain", undefined);
  }

  private show(mining: MiningStatus): MiningStatus {
    const reasons = [...this.faults.values()];
    if (reasons.length === 0 || !WORKING.has(mining.state)) return mining;
    return { state: "degraded", reason: reasons.join("; ") };
  }
}

/** "since 12:03" in the machine's local time: when a fault began, for its reason. */
export function since(at: number): string {
  const d = new Date(at);
  return `since ${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
