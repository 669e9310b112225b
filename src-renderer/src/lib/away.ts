/**
 * "While you were away": what the miner earned between the last moment the dashboard was seen and
 * now. The mark is kept in the page's storage so a return after closing the window counts too.
 */
export interface SeenMark {
  readonly at: number;
  readonly totalWei: string;
  readonly tasksCompleted: number;
}

export interface AwaySummary {
  readonly awayMs: number;
  readonly earnedWei: string;
  readonly tasks: number;
}

/** Away less than this is a glance elsewhere, not an absence worth a card. */
export const MIN_AWAY_MS = 5 * 60_000;
export const SEEN_KEY = "pouw:last-seen";

export function awaySummary(
  seen: SeenMark | undefined,
  now: SeenMark,
  minAwayMs = MIN_AWAY_MS,
): AwaySummary | undefined {
  if (!seen) return undefined;
  const awayMs = now.at - seen.at;
  if (awayMs < minAwayMs) return undefined;
  // A total that went down is another wallet or a reset history, not something earned.
  const earned = BigInt(now.totalWei) - BigInt(seen.totalWei);
  return {
    awayMs,
    earnedWei: (earned > 0n ? earned : 0n).toString(),
    tasks: Math.max(0, now.tasksCompleted - seen.tasksCompleted),
  };
}

export function parseSeenMark(text: string | null | undefined): SeenMark | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<SeenMark>;
    if (
      typeof v.at === "number" &&
      typeof v.totalWei === "string" &&
      /^\d+$/.test(v.totalWei) &&
      typeof v.tasksCompleted === "number"
    ) {
      return { at: v.at, totalWei: v.totalWei, tasksCompleted: v.tasksCompleted };
    }
  } catch {
    // A mark another version wrote, or a hand edit: start afresh.
  }
  return undefined;
}
