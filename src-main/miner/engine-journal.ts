import type { ActionState, Journal, JournalRecord } from "../tx/journal.js";

/**
 * The engine's own journal records, beside the TxQueue's transaction records (docs/miner.md):
 *   assigned  — we hold a slot (or the creator role) of this task: survives a crash before any tx
 *   output    — the answer and salt we will precommit, fsync'd BEFORE the precommit is signed
 *   finished  — nothing more to do for this task; recovery skips it
 * and an "abandoned" record with letGo: true on an action we decided not to send (a declined
 * assignment, a missed deadline), so a restart does not send it late.
 * Engine records are written as "confirmed": facts, never pending work for TxQueue.recover().
 */
export type Role = "miner" | "creator";

export interface SavedOutput {
  slot: number;
  output: string;
  salt: string;
  commitment: string;
  tokens: number;
  ms: number;
}

export class EngineJournal {
  constructor(readonly journal: Journal) {}

  private find(taskId: string, action: string, kind: JournalRecord["kind"]): JournalRecord | undefined {
    const all = this.journal.all();
    // The latest one wins: a slot can change if the task was reassigned to us again.
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i]!;
      if (r.taskId === taskId && r.action === action && r.kind === kind) return r;
    }
    return undefined;
  }

  assignment(taskId: string, role: Role): { slot: number } | undefined {
    const r = this.find(taskId, role === "miner" ? "assigned" : "creator", "confirmed");
    return r ? { slot: Number(r.data.slot) } : undefined;
  }

  async recordAssignment(taskId: string, role: Role, slot: number): Promise<void> {
    if (this.assignment(taskId, role)?.slot === slot) return;
    await this.journal.append({
      kind: "confirmed",
      taskId,
      action: role === "miner" ? "assigned" : "creator",
      data: { slot },
    });
  }

  output(taskId: string): SavedOutput | undefined {
    const r = this.find(taskId, "output", "confirmed");
    if (!r) return undefined;
    const d = r.data;
    return {
      slot: Number(d.slot),
      output: String(d.output),
      salt: String(d.salt),
      commitment: String(d.commitment),
      tokens: Number(d.tokens),
      ms: Number(d.ms),
    };
  }

  async recordOutput(taskId: string, out: SavedOutput): Promise<SavedOutput> {
    const existing = this.output(taskId);
    if (existing) return existing;
    await this.journal.append({ kind: "confirmed", taskId, action: "output", data: { ...out } });
    return out;
  }

  /** The latest record of each kind per action of one task (TxQueue's and the engine's alike). */
  actionsOf(taskId: string): ActionState[] {
    return this.journal.actions().filter((a) => a.taskId === taskId);
  }

  /** True when this action was sent and mined (per the TxQueue's records). */
  confirmed(taskId: string, action: string): boolean {
    return this.find(taskId, action, "confirmed") !== undefined;
  }

  /** The mined transaction of an action, if any. */
  confirmedHash(taskId: string, action: string): string | undefined {
    const hash = this.find(taskId, action, "confirmed")?.data.hash;
    return typeof hash === "string" ? hash : undefined;
  }

  wasLetGo(taskId: string, action: string): boolean {
    return this.journal
      .all()
      .some((r) => r.taskId === taskId && r.action === action && r.kind === "abandoned" && r.data.letGo === true);
  }

  async letGo(taskId: string, action: string, reason: string): Promise<void> {
    if (this.wasLetGo(taskId, action)) return;
    await this.journal.append({ kind: "abandoned", taskId, action, data: { letGo: true, reason } });
  }

  finished(taskId: string, role: Role): boolean {
    return this.journal.all().some((r) => r.taskId === taskId && r.action === `finished-${role}`);
  }

  async finish(taskId: string, role: Role): Promise<void> {
    if (this.finished(taskId, role)) return;
    await this.journal.append({ kind: "confirmed", taskId, action: `finished-${role}`, data: {} });
  }

  /** Tasks the journal knows we hold and has not seen finished: what recovery resumes. */
  unfinished(): Array<{ taskId: string; role: Role; slot: number }> {
    const finished = new Set<string>();
    const held = new Map<string, { taskId: string; role: Role; slot: number }>();
    // One pass: the journal holds every task this miner ever served.
    for (const r of this.journal.all()) {
      if (r.action.startsWith("finished-")) finished.add(`${r.taskId}:${r.action.slice("finished-".length)}`);
      if (r.kind !== "confirmed" || (r.action !== "assigned" && r.action !== "creator")) continue;
      const role: Role = r.action === "assigned" ? "miner" : "creator";
      held.set(`${r.taskId}:${role}`, { taskId: r.taskId, role, slot: Number(r.data.slot) });
    }
    return [...held.entries()].filter(([key]) => !finished.has(key)).map(([, t]) => t);
  }

  /** Native currency spent on this task's mined transactions (wei), from the receipts journaled. */
  gasSpent(taskId: string, actions: readonly string[]): bigint {
    let sum = 0n;
    for (const r of this.journal.all()) {
      if (r.taskId !== taskId || r.kind !== "confirmed" || !actions.includes(r.action)) continue;
      if (typeof r.data.gasUsed !== "string" || typeof r.data.gasPrice !== "string") continue;
      sum += BigInt(r.data.gasUsed) * BigInt(r.data.gasPrice);
    }
    return sum;
  }
}
