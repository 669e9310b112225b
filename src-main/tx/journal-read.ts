import { createHash } from "node:crypto";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";

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

export interface JournalContents {
  records: JournalRecord[];
  /** Bytes up to the end of the last good line: where the next append belongs. */
  goodBytes: number;
  /** Bytes after goodBytes that hold no record (a torn tail) and must be cut before appending. */
  tornBytes: number;
  /** What was repaired, for the log; empty when the file was clean. */
  repairs: string[];
}

export function encodeLine(record: JournalRecord): string {
  const body = JSON.stringify(record);
  return `${JSON.stringify({ ...record, crc: checksum(body) })}\n`;
}

/**
 * Reads a journal, repairing what a crash or a full disk leaves behind and refusing only what
 * they cannot: a record missing or altered between two good ones.
 * - A torn tail (undecodable lines after the last good record) is cut: those appends never
 *   returned, so nothing was sent on their account.
 * - A line that starts with such a fragment and ends with a whole record (an older build appended
 *   its retry onto the fragment) keeps the record.
 */
export function parseJournal(filePath: string, bytes: Buffer | undefined): JournalContents {
  const contents: JournalContents = { records: [], goodBytes: 0, tornBytes: 0, repairs: [] };
  if (!bytes || bytes.length === 0) return contents;
  const lines = bytes.toString("utf8").split("\n");
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const lineBytes = Buffer.byteLength(line, "utf8") + (i < lines.length - 1 ? 1 : 0);
    const isLast = i === lines.length - 1;
    if (isLast && line === "") break;
    const expected = contents.records.length;
    const record = decodeLine(line, expected) ?? salvage(line, expected);
    if (record && !isLast) {
      if (decodeLine(line, expected) === undefined)
        contents.repairs.push(`line ${i + 1}: dropped a fragment of a failed write`);
      contents.records.push(record);
      offset += lineBytes;
      contents.goodBytes = offset;
      continue;
    }
    // An unterminated last line never finished its append, even when it would decode.
    if (lines.slice(i + 1).some((later) => decodeLine(later) !== undefined)) {
      throw new PouwError(
        "INTERNAL",
        `the task journal ${filePath} is damaged at line ${i + 1}; it was left as it is — move it aside to start fresh`,
      );
    }
    contents.tornBytes = bytes.length - contents.goodBytes;
    contents.repairs.push(`cut a torn tail of ${contents.tornBytes} bytes after line ${i}`);
    return contents;
  }
  return contents;
}

function salvage(line: string, expectedSeq: number): JournalRecord | undefined {
  for (let at = line.indexOf('{"seq":', 1); at > 0; at = line.indexOf('{"seq":', at + 1)) {
    const record = decodeLine(line.slice(at), expectedSeq);
    if (record) return record;
  }
  return undefined;
}

function decodeLine(line: string, expectedSeq?: number): JournalRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== "object" || !("crc" in raw)) return undefined;
  const { crc, ...rest } = raw as { crc: unknown };
  const parsed = JournalRecord.safeParse(rest);
  if (!parsed.success || (expectedSeq !== undefined && parsed.data.seq !== expectedSeq)) return undefined;
  return checksum(JSON.stringify(parsed.data)) === crc ? parsed.data : undefined;
}

function checksum(body: string): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 16);
}
