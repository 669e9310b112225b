import { open, readFile } from "node:fs/promises";

/**
 * The few file operations the journal needs, behind an interface so a test can put a file system
 * that fills up (ENOSPC part-way through a write) under a real journal. A write may store only
 * part of its bytes before failing — what a full disk really does — so the journal never assumes
 * a failed append left nothing behind.
 */
export interface JournalFileLayer {
  /** The whole file, or undefined when there is none yet. */
  read(filePath: string): Promise<Buffer | undefined>;
  /** Opens for appending (created 0600 when missing). */
  openAppend(filePath: string): Promise<JournalHandle>;
}

export interface JournalHandle {
  /** Appends all of `data` at the end of the file, or throws having stored some prefix of it. */
  append(data: Buffer): Promise<void>;
  datasync(): Promise<void>;
  /** Cuts the file back to `length` bytes; appends then continue from there. */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export const nodeJournalFiles: JournalFileLayer = {
  async read(filePath) {
    try {
      return await readFile(filePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  },
  async openAppend(filePath) {
    // "a" (O_APPEND): every write lands at the current end, including after a truncate.
    const handle = await open(filePath, "a", 0o600);
    return {
      append: (data) => handle.appendFile(data),
      datasync: () => handle.datasync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  },
};
