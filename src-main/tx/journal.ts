import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import { nodeJournalFiles, type JournalFileLayer, type JournalHandle } from "./journal-file.js";
import { encodeLine, JournalRecord, parseJournal } from "./journal-read.js";

/**
 * The task engine's write-ahead journal. Before any transaction is sent, what it needs (output,
 * salt, intended nonce) is appended here and fsync'd; after it is sent and mined, that is appended
 * too. After a kill -9 at any instant, replaying the journal tells the restarted miner exactly what
 * it promised on chain, so it reveals what it precommitted and never sends a transaction twice.
 *
 * Format: one JSON object per line with a checksum of its own content. A torn tail (a crash or a
 * full disk mid-append) is expected and cut off on open; a record damaged between two good ones
 * stops the miner with a clear error rather than guessing, and the file is left untouched.
 *
 * A failed append (ENOSPC, EIO) cuts the file back to its last good line before it reports the
 * failure, and if even that fails the next append cuts first: a later record is never joined onto
 * the fragment of an earlier one.
 */
export { JournalRecord };
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
  /** The file operations (tests put a disk that fills up here). */
  files?: JournalFileLayer;
}

export class Journal {
  private records: JournalRecord[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  /** Bytes of whole, acknowledged lines: everything after this is a fragment to cut. */
  private goodBytes = 0;
  private fragmentLeft = false;
  /** What opening repaired (a torn tail, dropped fragments), for the log. */
  repairs: readonly string[] = [];

  private constructor(
    readonly filePath: string,
    private handle: JournalHandle,
    private readonly options: JournalOptions,
  ) {}

  /** Opens (or creates) the journal and replays it, repairing a torn tail rather than refusing. */
  static async open(filePath: string, options: JournalOptions = {}): Promise<Journal> {
    const files = options.files ?? nodeJournalFiles;
    await mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
    const contents = parseJournal(filePath, await files.read(filePath));
    const handle = await files.openAppend(filePath);
    try {
      if (contents.tornBytes > 0) await handle.truncate(contents.goodBytes);
    } catch (err) {
      await handle.close();
      throw err;
    }
    const journal = new Journal(filePath, handle, options);
    journal.records = contents.records;
    journal.goodBytes = contents.goodBytes;
    journal.repairs = contents.repairs;
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
    if (this.fragmentLeft) {
      await this.handle.truncate(this.goodBytes).catch((err: unknown) => {
        throw writeError(this.filePath, err);
      });
      this.fragmentLeft = false;
    }
    // Parsing fixes the key order, so the checksum written is the one a replay recomputes.
    const record = JournalRecord.parse({ seq: this.records.length, at: new Date().toISOString(), ...input });
    const line = Buffer.from(encodeLine(record), "utf8");
    try {
      await this.handle.append(line);
      await this.handle.datasync();
    } catch (err) {
      // Not acknowledged, so not on disk as far as anyone knows: take back whatever part landed.
      this.fragmentLeft = true;
      await this.handle.truncate(this.goodBytes).then(
        () => (this.fragmentLeft = false),
        () => undefined,
      );
      throw writeError(this.filePath, err);
    }
    this.goodBytes += line.length;
    this.records.push(record);
    this.options.afterAppend?.(record);
    return record;
  }

  all(): readonly JournalRecord[] {
    return this.records;
  }

  /**
   * The latest state of each (task, action) pair, in the order they were first intended. An intent
   * after the pair was confirmed or abandoned starts a new attempt: its transaction was lost (the
   * chain was rewound, say) and the action is pending again.
   */
  actions(): ActionState[] {
    const byKey = new Map<string, ActionState>();
    for (const r of this.records) {
      const key = `${r.taskId}\u0000${r.action}`;
      let state = byKey.get(key) ?? { taskId: r.taskId, action: r.action };
      if (r.kind === "intent" && (state.confirmed || state.abandoned)) state = { taskId: r.taskId, action: r.action };
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

function writeError(filePath: string, err: unknown): PouwError {
  const code = (err as NodeJS.ErrnoException).code;
  const what = code === "ENOSPC" ? "the disk is full" : err instanceof Error ? err.message : String(err);
  return new PouwError(
    code === "ENOSPC" ? "DISK_FULL" : "INTERNAL",
    `the task journal ${filePath} could not be written: ${what}`,
    { cause: err },
  );
}
