import { readFile } from "node:fs/promises";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import { taskStateIndex } from "../../src-shared/pouw-states.js";
import { TaskRecord } from "../../src-shared/task-record.js";
import { writeFileAtomic } from "../storage/atomic-file.js";

export { CREATOR_SLOT } from "../../src-shared/task-id.js";

const RecordsFile = z.object({ version: z.literal(1), records: z.array(TaskRecord) });

const keyOf = (taskId: string, slot: number) => `${taskId}#${slot}`;

/**
 * The miner's task history, one record per (task, slot), in one JSON file replaced atomically on
 * every change: a crash leaves the previous history or the new one, never a torn file. Updates are
 * functions of the previous record, so applying the same chain fact twice gives the same record.
 */
export class RecordsStore {
  private readonly records = new Map<string, TaskRecord>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly filePath: string) {}

  static async open(filePath: string): Promise<RecordsStore> {
    const store = new RecordsStore(filePath);
    let text: string | undefined;
    try {
      text = await readFile(filePath, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (text !== undefined) {
      const parsed = RecordsFile.safeParse(safeJson(text));
      if (!parsed.success)
        throw new PouwError("INTERNAL", `the task history ${filePath} is damaged; move it aside to start a new one`);
      for (const r of parsed.data.records) store.records.set(keyOf(r.taskId, r.slot), r);
    }
    return store;
  }

  get(taskId: string, slot: number): TaskRecord | undefined {
    return this.records.get(keyOf(taskId, slot));
  }

  all(): TaskRecord[] {
    return [...this.records.values()];
  }

  /** Applies `update` to the current record (or undefined) and persists only if it changed. */
  upsert(taskId: string, slot: number, update: (prev: TaskRecord | undefined) => TaskRecord): Promise<TaskRecord> {
    const run = this.writing.then(async () => {
      const key = keyOf(taskId, slot);
      const prev = this.records.get(key);
      const next = TaskRecord.parse(update(prev));
      if (prev && JSON.stringify(prev) === JSON.stringify(next)) return prev;
      this.records.set(key, next);
      await writeFileAtomic(this.filePath, JSON.stringify({ version: 1, records: this.all() }), { mode: 0o600 });
      return next;
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Adds a state to a record's timeline once, in protocol order; a repeat (replayed event, restart)
 * changes nothing. A step learned late (after a crash) still lands in its place.
 */
export function withState(record: TaskRecord, entry: TaskRecord["states"][number]): TaskRecord {
  const existing = record.states.find((s) => s.state === entry.state);
  if (existing && (existing.txHash || !entry.txHash)) return record;
  const states = existing
    ? record.states.map((s) => (s.state === entry.state ? { ...s, txHash: entry.txHash } : s))
    : [...record.states, entry];
  states.sort((a, b) => taskStateIndex(a.state) - taskStateIndex(b.state));
  return { ...record, states };
}
