import type { AppSnapshot, PatchMessage, SnapshotMessage } from "./app-contract.js";
import { applyPatch, diff, type PatchOp } from "./json-patch.js";

/**
 * Both ends of "a snapshot, then patches" (app-contract.ts), in one browser-safe file so that main
 * and the renderer number and apply revisions with the same code.
 *
 * `SnapshotHub` is the sending end: it holds the state and its revision, and every change becomes
 * one patch to every listener. The app session owns one; a core that wraps another (the opening
 * placeholder, the updater's wrapper) owns one too and takes the inner core's patches on as its
 * own (`apply`), so a client always sees one revision line.
 */
export class SnapshotHub {
  private readonly listeners = new Set<(patch: PatchMessage) => void>();

  /** `rev`: where the line starts (a wrapper carries on from the revision of the core it wraps). */
  constructor(
    private snapshot: AppSnapshot,
    private rev = 0,
  ) {}

  current(): AppSnapshot {
    return this.snapshot;
  }

  message(): SnapshotMessage {
    return { rev: this.rev, snapshot: this.snapshot };
  }

  /** A change computed from the state now; no patch when nothing changed. */
  update(change: (s: AppSnapshot) => AppSnapshot): void {
    const next = change(this.snapshot);
    this.publish(next, diff(this.snapshot, next));
  }

  /** Another hub's patch, taken on as this hub's next revision (its ops are sent on as they are). */
  apply(ops: readonly PatchOp[]): void {
    if (ops.length > 0) this.publish(applyPatch(this.snapshot, ops), ops);
  }

  subscribe(listener: (patch: PatchMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
  }

  private publish(next: AppSnapshot, ops: readonly PatchOp[]): void {
    this.snapshot = next;
    if (ops.length === 0) return;
    this.rev += 1;
    const message: PatchMessage = { rev: this.rev, ops: [...ops] };
    for (const listener of this.listeners) listener(message);
  }
}

/** What became of a message given to a SnapshotCopy. */
export type CopyOutcome =
  /** The copy moved on. */
  | "applied"
  /** Older than the copy (or a patch before any snapshot, kept until one comes): nothing to show. */
  | "ignored"
  /** A revision was missed or a patch did not apply: the copy is dropped; fetch a fresh snapshot. */
  | "stale";

/**
 * The receiving end: a copy of a hub's state across a boundary (the renderer's store, the
 * notifier, the keep-awake decider). It takes a snapshot, then patches strictly in rev order.
 * Patches that come before the first snapshot are held and replayed on it; a gap, or a patch that
 * does not apply, means the copy is stale — it says so rather than guess, and its owner asks for
 * a fresh snapshot.
 */
export class SnapshotCopy {
  private copy: SnapshotMessage | undefined;
  private held: PatchMessage[] = [];

  current(): SnapshotMessage | undefined {
    return this.copy;
  }

  take(message: SnapshotMessage): CopyOutcome {
    if (this.copy && message.rev < this.copy.rev) return "ignored";
    this.copy = message;
    const held = this.held.filter((p) => p.rev > message.rev).sort((a, b) => a.rev - b.rev);
    this.held = [];
    for (const patch of held) if (this.apply(patch) === "stale") return "stale";
    return "applied";
  }

  apply(patch: PatchMessage): CopyOutcome {
    const copy = this.copy;
    if (!copy) {
      this.held.push(patch);
      return "ignored";
    }
    if (patch.rev <= copy.rev) return "ignored";
    if (patch.rev !== copy.rev + 1) return this.drop();
    try {
      this.copy = { rev: patch.rev, snapshot: applyPatch(copy.snapshot, patch.ops) };
      return "applied";
    } catch {
      return this.drop();
    }
  }

  private drop(): "stale" {
    this.copy = undefined;
    return "stale";
  }
}
