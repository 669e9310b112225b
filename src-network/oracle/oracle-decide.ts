import type { SlotView, TaskView } from "../../src-main/chain/task-views.js";

/**
 * What the oracle should do for one task now, from the chain's view of it and the latest block's
 * timestamp (the contract compares deadlines with block.timestamp, never with a wall clock).
 * Every action carries the journal key it is sent under: a key names one legitimate occurrence
 * (one state, one deadline), so a retry or a replayed event can never send the same thing twice.
 */
export type OracleStep =
  | { kind: "done" }
  | { kind: "wait" }
  | { kind: "poi"; action: string }
  /** Draw the task's creator or miners (a block after the request, while it waits in Request). */
  | { kind: "assign" }
  | { kind: "advance"; action: string }
  /** Try replacing these stalled slots first (if no miner is idle, advance under `advanceAction`). */
  | { kind: "reassign"; slots: Array<{ slot: number; action: string }>; advanceAction: string };

export function nextStep(t: TaskView, slots: readonly SlotView[], now: number): OracleStep {
  if (t.state === "End") return { kind: "done" };
  const passed = now > t.deadline;
  const advance = (phase: string) => `advance:${phase}:${t.deadline}`;
  if (t.state === "Commit" && t.revealsClosed) {
    return passed ? { kind: "advance", action: advance("Poi") } : { kind: "poi", action: "poi" };
  }
  if (t.state === "Request" && !passed) return { kind: "assign" };
  if (!passed) return { kind: "wait" };
  if (t.state === "Start" || t.state === "Precommit") {
    const waiting = t.state === "Start" ? "Assigned" : "Acked";
    const stalled = slots.flatMap((s, slot) =>
      s.status === waiting ? [{ slot, action: `reassign:${slot}:${t.deadline}` }] : [],
    );
    if (stalled.length > 0) return { kind: "reassign", slots: stalled, advanceAction: advance(t.state) };
  }
  return { kind: "advance", action: advance(t.state) };
}
