/** What the stored benchmark says about the loaded model on this machine. */
export interface SpeedProfile {
  tokensPerSecond: number;
  /** Prompt processing speed, tokens per second. */
  promptTokensPerSecond?: number;
  ttftMs: number;
}

export interface TaskDemand {
  maxTokens: number;
  promptTokens: number;
}

/** Seconds to produce a task's full answer, from the benchmark, with a safety factor for noise. */
export function estimateSeconds(profile: SpeedProfile, demand: TaskDemand, safety = 1.5): number {
  if (profile.tokensPerSecond <= 0) return Number.POSITIVE_INFINITY;
  const prompt = demand.promptTokens / Math.max(1, profile.promptTokensPerSecond ?? profile.tokensPerSecond * 4);
  return (profile.ttftMs / 1000 + prompt + demand.maxTokens / profile.tokensPerSecond) * safety;
}

/**
 * Accept a task only when the answer can be ready, and its precommit mined, before the precommit
 * deadline: a task this machine cannot finish costs reputation, so it is better declined.
 */
export function canFinishInTime(opts: {
  profile: SpeedProfile;
  demand: TaskDemand;
  nowSeconds: number;
  precommitDeadline: number;
  /** Time to get a transaction mined, seconds. */
  txSeconds?: number;
}): { ok: boolean; needSeconds: number; haveSeconds: number } {
  const needSeconds = estimateSeconds(opts.profile, opts.demand) + (opts.txSeconds ?? 5);
  const haveSeconds = opts.precommitDeadline - opts.nowSeconds;
  return { ok: needSeconds <= haveSeconds, needSeconds, haveSeconds };
}
