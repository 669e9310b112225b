import { mkdir, open, readFile, truncate, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import { DatasetRecord } from "./dataset-record.js";
import { shingleDuplicates, type NearDuplicates } from "./near-duplicates.js";

export type AppendResult = "kept" | "exists" | "duplicate";

/**
 * The dataset: an append-only JSONL file, one record per settled background task, fsync'd per
 * record. Idempotent by task id, so the collector may replay logs after a restart. A torn last line
 * (a crash mid-append) is cut on open; a bad line anywhere else is an error, never silently lost.
 */
export class DatasetStore {
  private readonly ids = new Set<string>();
  private readonly records: DatasetRecord[] = [];
  private dropped = 0;

  private constructor(
    readonly filePath: string,
    private readonly handle: FileHandle,
    private readonly duplicates: NearDuplicates,
  ) {}

  static async open(filePath: string, duplicates: NearDuplicates = shingleDuplicates()): Promise<DatasetStore> {
    await mkdir(path.dirname(filePath), { recursive: true });
    const { records, goodBytes, torn } = await readDataset(filePath);
    if (torn) await truncate(filePath, goodBytes);
    const store = new DatasetStore(filePath, await open(filePath, "a", 0o644), duplicates);
    for (const r of records) {
      store.ids.add(r.taskId);
      store.records.push(r);
      await duplicates.add(r.answer);
    }
    return store;
  }

  has(taskId: string): boolean {
    return this.ids.has(taskId);
  }

  all(): readonly DatasetRecord[] {
    return this.records;
  }

  /** Records dropped as near-duplicates since open. */
  get droppedCount(): number {
    return this.dropped;
  }

  async append(record: DatasetRecord): Promise<AppendResult> {
    if (this.ids.has(record.taskId)) return "exists";
    if (await this.duplicates.isDuplicate(record.answer)) {
      this.dropped++;
      return "duplicate";
    }
    const line = JSON.stringify(DatasetRecord.parse(record)) + "\n";
    // Marked before the write so a concurrent append of the same task cannot pass the check too.
    this.ids.add(record.taskId);
    try {
      await this.handle.appendFile(line);
      await this.handle.datasync();
    } catch (err) {
      this.ids.delete(record.taskId);
      throw err;
    }
    this.records.push(record);
    await this.duplicates.add(record.answer);
    return "kept";
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Reads a dataset file without opening it for writing (the export's way in). */
export async function readDataset(
  filePath: string,
): Promise<{ records: DatasetRecord[]; goodBytes: number; torn: boolean }> {
  let buf: Buffer;
  try {
    buf = await readFile(filePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], goodBytes: 0, torn: false };
    throw err;
  }
  const records: DatasetRecord[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    lineNo++;
    const last = nl === -1 || nl === buf.length - 1;
    const text = buf.subarray(start, nl === -1 ? buf.length : nl).toString("utf8");
    // A line without its newline was cut mid-append, even if what is there parses.
    const parsed = nl === -1 ? undefined : parseLine(text);
    if (!parsed) {
      // Only the last line can be torn by a crash; anything before it is damage to report.
      if (last) return { records, goodBytes: start, torn: true };
      throw new PouwError("INVALID_PARAMS", `the dataset ${filePath} has a bad record on line ${lineNo}`);
    }
    records.push(parsed);
    start = nl + 1;
  }
  return { records, goodBytes: start, torn: false };
}

function parseLine(text: string): DatasetRecord | undefined {
  try {
    const r = DatasetRecord.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
