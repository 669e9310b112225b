import path from "node:path";

export interface ExitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The model being loaded when the process died, if a load was in flight. */
  loadingModel?: string;
  /** The last lines the worker wrote to stderr. */
  stderr: readonly string[];
  /** Set when the supervisor itself killed the worker, and why. */
  killedBecause?: string;
}

const OOM_PATTERN = /out of memory|bad_alloc|cannot allocate|failed to allocate|ENOMEM|heap limit/i;

/** One line saying why the worker died, as specific as the facts allow. */
export function describeExit(facts: ExitFacts): string {
  if (facts.killedBecause) return facts.killedBecause;
  const how = facts.signal ? `killed by ${facts.signal}` : `exited with code ${facts.code ?? "?"}`;
  const oomLine = facts.stderr.find((l) => OOM_PATTERN.test(l));
  const model = facts.loadingModel ? path.basename(facts.loadingModel) : undefined;
  if (model && (oomLine || facts.signal === "SIGKILL")) {
    // The kernel's OOM killer sends SIGKILL without a word, so a silent SIGKILL mid-load is the tell.
    return `out of memory while loading ${model} (${how})`;
  }
  if (oomLine) return `out of memory (${how})`;
  const lastError = [...facts.stderr].reverse().find((l) => l.trim() !== "");
  return lastError ? `${how}: ${lastError.trim().slice(0, 200)}` : how;
}

/** Delay before restart attempt `attempt` (0-based): doubles each time, capped. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}
