import { createHash } from "node:crypto";
import { mkdir, open, readFile, truncate, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";

/**
 * The task engine's write-ahead journal. Before any transaction is sent, what it needs (output,
 * salt, intended nonce) is appended here and fsync'd; after it is sent and mined, that is appended
 * too. After a kill -9 at any instant, replaying the journal tells the restarted miner exactly what
 * it promised on chain, so it reveals what it precommitted and never sends a transaction twice.
 *
 * Format: one JSON object per line with a checksum of its own content. A torn last line (the crash
 * happened mid-append) is expected and cut off; a damaged line anywhere else stops the miner with a
 * clear error rather than guessing, and the file is left untouched for the user or support.
 */
export const JournalRecord = z.object({
  seq: z.number().int().nonnegative(),
  at: z.string(),
  /** intent: about to send; sent: in the mempool; confirmed: mined; abandoned: will not be sent. */
  kind: z.enum(["intent", "sent", "confirmed", "abandoned"]),
  taskId: z.string(),
  /** The on-chain action, e.g. "ack", "precommit", "reveal", "claim". */
  action: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type JournalRecord = z.infer<typeof JournalRecord>;
export type JournalInput = Omit<JournalRecord, "seq" | "at">;

export interface ActionState {
  taskId: string;
  action: string;
  intent?: JournalRecord;
  sent?: JournalRecord;
  confirmed?: JournalRecord;
  abandoned?: JournalRecord;
}

export interface JournalOptions {
  /** Called once a record is on disk (the test-only crash hook, src-main/tx/test-crash.ts). */
  afterAppend?: (record: JournalRecord) => void;
}

export class Journal {
  private records: JournalRecord[] = [];
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly filePath: string,
    private handle: FileHandle,
    private readonly options: JournalOptions,
  ) {}

  /** Opens (or creates) the journal and replays it; cuts a torn last line left by a crash. */
  static async open(filePath: string, options: JournalOptions = {}): Promise<Journal> {
    await mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
    const { records, goodBytes, torn } = await readJournal(filePath);
    if (torn) await truncate(filePath, goodBytes);
    const journal = new Journal(filePath, await open(filePath, "a", 0o600), options);
    journal.records = records;
    return journal;
  }

  /**
   * Appends a record and returns only once it is on disk. Appends run one at a time: tasks step
   * side by side, and two appends in flight would otherwise take the same `seq`.
   */
  append(input: JournalInput): Promise<JournalRecord> {
    const run = this.tail.then(() => this.appendNow(input));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async appendNow(input: JournalInput): Promise<JournalRecord> {
    // Parsing fixes the key order, so the checksum written is the one a replay recomputes.
    const record = JournalRecord.parse({ seq: this.records.length, at: new Date().toISOString(), ...input });
    await this.handle.appendFile(encodeLine(record));
    await this.handle.datasync();
    this.records.push(record);
    this.options.afterAppend?.(record);
    return record;
  }

  all(): readonly JournalRecord[] {
    return this.records;
  }

  /** The latest state of each (task, action) pair, in the order they were first intended. */
  actions(): ActionState[] {
    const byKey = new Map<string, ActionState>();
    for (const r of this.records) {
      const key = `${r.taskId}\u0000${r.action}`;
      const state = byKey.get(key) ?? { taskId: r.taskId, action: r.action };
      state[r.kind] = r;
      byKey.set(key, state);
    }
    return [...byKey.values()];
  }

  /** Actions intended or sent but neither confirmed nor abandoned: what a restart must finish. */
  pending(): ActionState[] {
    return this.actions().filter((a) => (a.intent || a.sent) && !a.confirmed && !a.abandoned);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function encodeLine(record: JournalRecord): string {
  const body = JSON.stringify(record);
  return `${JSON.stringify({ ...record, crc: checksum(body) })}\n`;
}

function checksum(body: string): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 16);
}

async function readJournal(filePath: string): Promise<{ records: JournalRecord[]; goodBytes: number; torn: boolean }> {
  let text: string;
  try {
    text = await readFile(filePath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], goodBytes: 0, torn: false };
    throw err;
  }
  const lines = text.split("\n");
  const records: JournalRecord[] = [];
  let goodBytes = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const isLast = i === lines.length - 1;
    if (isLast && line === "") break;
    const record = decodeLine(line, records.length);
    if (!record) {
      // Only the final line can be torn by a crash during append (it has no newline yet).
      if (isLast) return { records, goodBytes, torn: true };
      throw new PouwError("INTERNAL", `the task journal ${filePath} is damaged at line ${i + 1}; it was left as it is — move it aside to start fresh`);
    }
    records.push(record);
    goodBytes += Buffer.byteLength(line, "utf8") + 1;
  }
  return { records, goodBytes, torn: false };
}

function decodeLine(line: string, expectedSeq: number): JournalRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== "object" || !("crc" in raw)) return undefined;
  const { crc, ...rest } = raw as { crc: unknown };
  const parsed = JournalRecord.safeParse(rest);
  if (!parsed.success || parsed.data.seq !== expectedSeq) return undefined;
  return checksum(JSON.stringify(parsed.data)) === crc ? parsed.data : undefined;
}
