import type { LogLevel, LogLine } from "../../src-shared/app-views.js";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** True when `line` is at `level` or more severe. */
export function atLeast(line: LogLine, level: LogLevel): boolean {
  return LEVELS.indexOf(line.level) >= LEVELS.indexOf(level);
}

/** A message seen again within this long is counted, not kept: a fault loop cannot flush the history. */
export const REPEAT_WINDOW_MS = 60_000;
/** Distinct recent messages remembered for coalescing; older ones are forgotten first. */
const RECENT_LIMIT = 200;

/**
 * The last `capacity` log lines in a ring: the Logs page's history without a file that grows
 * forever. Lines are kept oldest first; the newest push drops the oldest line once full.
 */
export class LogBuffer {
  private readonly ring: LogLine[] = [];
  private start = 0;
  /** level + message → when it was last kept and how often it was seen since. */
  private readonly recent = new Map<string, { keptAt: number; repeats: number }>();

  constructor(readonly capacity = 2_000) {
    if (!(capacity >= 1)) throw new RangeError("a log buffer holds at least one line");
  }

  /**
   * Keeps a line unless the same message (at the same level) was kept less than REPEAT_WINDOW_MS
   * ago: then it is only counted, and the next time it is kept it comes with a line saying
   * "… repeated N times". Returns the lines kept — what to show live and write out.
   */
  record(line: LogLine): LogLine[] {
    const key = `${line.level}\u0000${line.message}`;
    const seen = this.recent.get(key);
    if (seen && line.at - seen.keptAt < REPEAT_WINDOW_MS) {
      seen.repeats++;
      return [];
    }
    const kept: LogLine[] = [];
    if (seen && seen.repeats > 0) {
      const seconds = Math.round((line.at - seen.keptAt) / 1000);
      kept.push({ ...line, message: `… repeated ${seen.repeats + 1} times in ${seconds} s: ${line.message}` });
    } else {
      kept.push(line);
    }
    this.recent.delete(key); // re-inserted last: the Map's order is the forgetting order
    this.recent.set(key, { keptAt: line.at, repeats: 0 });
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value!);
    for (const l of kept) this.push(l);
    return kept;
  }

  /**
   * Counts of repeats whose minute is over and that no new occurrence reported (the fault
   * stopped): each kept now as "… repeated N times", so a flood that ends is still told in full.
   */
  flushRepeats(now: number): LogLine[] {
    const kept: LogLine[] = [];
    for (const [key, seen] of this.recent) {
      if (seen.repeats === 0 || now - seen.keptAt < REPEAT_WINDOW_MS) continue;
      const [level, message] = key.split("\u0000") as [LogLevel, string];
      const seconds = Math.round((now - seen.keptAt) / 1000);
      kept.push({ at: now, level, message: `… repeated ${seen.repeats} times in ${seconds} s: ${message}` });
      this.recent.set(key, { keptAt: now, repeats: 0 });
    }
    for (const l of kept) this.push(l);
    return kept;
  }

  push(line: LogLine): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(line);
      return;
    }
    this.ring[this.start] = line;
    this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.ring.length;
  }

  /** Oldest first: the newest `limit` lines at `level` or above. */
  lines(opts: { level?: LogLevel; limit?: number } = {}): LogLine[] {
    const ordered = [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    const kept = opts.level ? ordered.filter((l) => atLeast(l, opts.level!)) : ordered;
    return opts.limit !== undefined ? kept.slice(-opts.limit) : kept;
  }
}

/** Log lines from the core's parts are plain text; a few words at the start say how bad it is. */
export function levelOf(message: string): LogLevel {
  if (/\b(error|failed|crashed|cannot|could not)\b/i.test(message)) return "error";
  if (/\bwarning\b|\bretry|\btimed? ?out\b/i.test(message)) return "warn";
  return "info";
}
