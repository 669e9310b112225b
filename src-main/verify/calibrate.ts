import type { SeededSampling } from "../../src-shared/seeded-sampling.js";
import type {
  GenerateParams,
  GenerateResult,
  TokenScore,
  VerifyParams,
  VerifyResult,
} from "../../src-shared/worker-contract.js";
import { CALIBRATION_PROMPTS, PROMPT_OPENERS } from "./calibration-prompts.js";
import { deriveTolerances, type CalibrationKey, type HonestRun, type ToleranceEntry } from "./tolerances.js";

/** What calibration (and the detection bench) needs from a loaded model: the worker's two methods. */
export interface InferencePort {
  generate(params: GenerateParams): Promise<GenerateResult>;
  verify(params: VerifyParams): Promise<VerifyResult>;
}

export interface CalibrationSettings {
  runs: number;
  temperature: number;
  sampler?: "native" | "seeded";
  maxTokens: number;
  /** Defaults to 1 for greedy runs (the first choice or not) and 10 for sampled ones. */
  topK?: number;
  alpha: number;
  signal?: AbortSignal;
  onRun?: (done: number, total: number) => void;
}

/** One honest task: the prompt and seed calibration (and the bench) use for run `i`; 240 distinct prompts before they repeat. */
export function honestTask(
  i: number,
  temperature: number,
  maxTokens: number,
  sampler: "native" | "seeded" = "native",
): GenerateParams {
  const n = CALIBRATION_PROMPTS.length;
  const opener = PROMPT_OPENERS[Math.floor(i / n) % PROMPT_OPENERS.length] as string;
  const prompt = opener + (CALIBRATION_PROMPTS[i % n] as string);
  return { prompt, seed: 1000 + i, temperature, maxTokens, ...(sampler === "seeded" ? { sampler } : {}) };
}

/** The draws a verifier redoes for a task generated with the seeded sampler. */
export function samplingOf(task: GenerateParams): SeededSampling | undefined {
  if (task.sampler !== "seeded") return undefined;
  return {
    seed: task.seed,
    temperature: task.temperature,
    ...(task.topK !== undefined ? { topK: task.topK } : {}),
    ...(task.topP !== undefined ? { topP: task.topP } : {}),
  };
}

/** The scores a verifier gives an output: its tokens, plus the end when the model itself stopped. */
export function scoresOf(result: VerifyResult): TokenScore[] {
  return result.end ? [...result.positions, result.end] : result.positions;
}

/**
 * Generates honest outputs and has the same model re-score them, as a verifier would: the spread
 * of those scores is what the tolerances are. Each output is also re-scored one token at a time,
 * as generation evaluates, and the difference is this backend's numerical noise. The generating and the verifying pass both run
 * here, on this backend, which is why entries are keyed by backend.
 */
export async function calibrate(
  port: InferencePort,
  key: Omit<CalibrationKey, "temperature" | "sampler"> & { modelFile: string },
  settings: CalibrationSettings,
): Promise<ToleranceEntry> {
  const runs: HonestRun[] = [];
  for (let i = 0; i < settings.runs; i++) {
    if (settings.signal?.aborted) throw settings.signal.reason;
    const task = honestTask(i, settings.temperature, settings.maxTokens, settings.sampler);
    const generated = await port.generate(task);
    const tokenIds = generated.tokenIds ?? [];
    if (tokenIds.length > 0) {
      const sampling = samplingOf(task);
      const params = {
        prompt: task.prompt,
        tokenIds,
        scoreEnd: generated.finishReason === "eos",
        ...(sampling ? { sampling } : {}),
      };
      const verified = await port.verify(params);
      const sequential = await port.verify({ ...params, batch: 1 });
      runs.push({ positions: scoresOf(verified), noise: largestDifference(scoresOf(verified), scoresOf(sequential)) });
    }
    settings.onRun?.(i + 1, settings.runs);
  }
  return deriveTolerances({ ...key, temperature: settings.temperature, sampler: settings.sampler ?? "native" }, runs, {
    topK: settings.topK ?? (settings.temperature === 0 ? 1 : 10),
    alpha: settings.alpha,
  });
}

/** The largest difference in claimed or top log-prob between two scorings of the same tokens. */
export function largestDifference(a: readonly TokenScore[], b: readonly TokenScore[]): number {
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const p = a[i] as TokenScore;
    const q = b[i] as TokenScore;
    max = Math.max(max, Math.abs(p.logProb - q.logProb), Math.abs(p.topLogProb - q.topLogProb));
  }
  return max;
}
