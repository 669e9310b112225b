import type { LogLevel, LogLine } from "../../src-shared/app-views.js";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** True when `line` is at `level` or more severe. */
export function atLeast(line: LogLine, level: LogLevel): boolean {
  return LEVELS.indexOf(line.level) >= LEVELS.indexOf(level);
}

/**
 * The last `capacity` log lines in a ring: the Logs page's history without a file that grows
 * forever. Lines are kept oldest first; the newest push drops the oldest line once full.
 */
export class LogBuffer {
  private readonly ring: LogLine[] = [];
  private start = 0;

  constructor(readonly capacity = 2_000) {
    if (!(capacity >= 1)) throw new RangeError("a log buffer holds at least one line");
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
