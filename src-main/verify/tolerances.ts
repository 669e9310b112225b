import { readFile } from "node:fs/promises";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import type { TokenScore } from "../../src-shared/worker-contract.js";
import { writeFileAtomic } from "../storage/atomic-file.js";
import { tokenGaps, tokenStats } from "./token-stats.js";

/**
 * Tolerances for token-level verification, measured from honest runs by `pouw-miner verify
 * calibrate` and never written by hand: one entry per model file (sha256), quantization, backend
 * and sampling temperature, since CPU, CUDA, Vulkan and Metal kernels do not give bit-identical
 * probabilities and a sampled answer strays from the first choice where a greedy one does not.
 */
export const ToleranceEntry = z.strictObject({
  modelSha256: z.string().regex(/^[0-9a-f]{64}$/, "modelSha256 must be 64 lowercase hex digits"),
  modelFile: z.string().min(1),
  quantization: z.string().min(1),
  backend: z.string().min(1),
  /** The sampling temperature of the honest runs; verifiable tasks are checked against the same. */
  temperature: z.number().min(0).max(5),
  /** "seeded": the honest runs drew tokens in JavaScript (src-shared/seeded-sampling.ts) and the verifier redid each draw. */
  sampler: z.enum(["native", "seeded"]),
  /** A claimed token ranked k-th or worse by the verifier counts as "outside the top k". */
  topK: z.number().int().positive(),
  /** False-alarm probability each test is set to (per check), e.g. 0.001. */
  alpha: z.number().gt(0).lt(0.5),
  runs: z.number().int().positive(),
  tokens: z.number().int().positive(),
  /** Honest tokens outside the top k, pooled over all runs. */
  outside: z.number().int().nonnegative(),
  /** Honest tokens whose seeded draw, redone from the verifier's probabilities, gave another token. */
  offSample: z.number().int().nonnegative(),
  /** The largest distance of an honest seeded draw from the claimed token's share, for the record. */
  maxDrawMargin: z.number().min(0).max(1),
  /** Per-token log-prob gap (top-1 − claimed) over honest tokens: mean and standard deviation. */
  gapMean: z.number().nonnegative(),
  gapSd: z.number().nonnegative(),
  /** The largest gap of any honest token outside the top k: how far numerical noise can reach. */
  maxOutsideGap: z.number().nonnegative(),
  /** The largest gap of any honest token: one such outlier is allowed in any output. */
  maxGap: z.number().nonnegative(),
  /**
   * The largest log-prob difference seen between evaluating one token at a time (as generation
   * does) and in batches (as the verifier does): this backend's numerical noise. A greedy token
   * whose gap exceeds twice this cannot be a tie that noise flipped.
   */
  noise: z.number().nonnegative(),
  /** The worst single honest run, for the record (the tests use the pooled figures). */
  worstRunOutsideShare: z.number().min(0).max(1),
  worstRunMeanGap: z.number().nonnegative(),
  at: z.iso.datetime(),
});
export type ToleranceEntry = z.infer<typeof ToleranceEntry>;

export const CalibrationFile = z.strictObject({ version: z.literal(1), entries: z.array(ToleranceEntry) });
export type CalibrationFile = z.infer<typeof CalibrationFile>;

export interface CalibrationKey {
  modelSha256: string;
  quantization: string;
  backend: string;
  temperature: number;
  sampler: "native" | "seeded";
}

function sameKey(a: CalibrationKey, b: CalibrationKey): boolean {
  return (
    a.modelSha256.toLowerCase() === b.modelSha256.toLowerCase() &&
    a.quantization === b.quantization &&
    a.backend === b.backend &&
    a.temperature === b.temperature &&
    a.sampler === b.sampler
  );
}

export interface HonestRun {
  positions: readonly TokenScore[];
  /** Largest |log-prob difference| between one-at-a-time and batched evaluation of this run. */
  noise?: number;
}

/** Derives an entry from honest runs' scores: the measured rates, not chosen numbers. */
export function deriveTolerances(
  key: CalibrationKey & { modelFile: string },
  runs: readonly HonestRun[],
  settings: { topK: number; alpha: number; at?: Date },
): ToleranceEntry {
  const scored = runs.filter((r) => r.positions.length > 0);
  if (scored.length === 0)
    throw new PouwError("INVALID_PARAMS", "calibration needs at least one honest run with output tokens");
  const perRun = scored.map((r) => tokenStats(r.positions, settings.topK));
  const gaps = scored.flatMap((r) => tokenGaps(r.positions));
  const gapMean = gaps.reduce((a, g) => a + g, 0) / gaps.length;
  const gapSd = gaps.length > 1 ? Math.sqrt(gaps.reduce((a, g) => a + (g - gapMean) ** 2, 0) / (gaps.length - 1)) : 0;
  return ToleranceEntry.parse({
    ...key,
    modelSha256: key.modelSha256.toLowerCase(),
    topK: settings.topK,
    alpha: settings.alpha,
    runs: scored.length,
    tokens: gaps.length,
    outside: perRun.reduce((a, s) => a + s.outside, 0),
    offSample: perRun.reduce((a, s) => a + s.offSample, 0),
    maxDrawMargin: Math.max(0, ...perRun.map((s) => s.maxDrawMargin)),
    gapMean,
    gapSd,
    maxOutsideGap: Math.max(0, ...perRun.map((s) => s.maxOutsideGap)),
    maxGap: gaps.reduce((a, g) => Math.max(a, g), 0),
    noise: scored.reduce((a, r) => Math.max(a, r.noise ?? 0), 0),
    worstRunOutsideShare: Math.max(...perRun.map((s) => s.outsideShare)),
    worstRunMeanGap: Math.max(...perRun.map((s) => s.meanGap)),
    at: (settings.at ?? new Date()).toISOString(),
  });
}

/** The entry for this model, quantization, backend, temperature and sampler, if one was calibrated. */
export function findTolerances(file: CalibrationFile, key: CalibrationKey): ToleranceEntry | undefined {
  return file.entries.find((e) => sameKey(e, key));
}

/** Adds or replaces the entry with the same key; other entries are kept as they were. */
export function withEntry(file: CalibrationFile, entry: ToleranceEntry): CalibrationFile {
  const others = file.entries.filter((e) => !sameKey(e, entry));
  return { version: 1, entries: [...others, entry] };
}

/** Reads a calibration file; a missing file is an empty one, a damaged one a one-line error. */
export async function readCalibrationFile(filePath: string): Promise<CalibrationFile> {
  let raw: string;
  try {
    raw = await readFile(filePath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, entries: [] };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new PouwError("INVALID_PARAMS", `${filePath} is not JSON`);
  }
  const parsed = CalibrationFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PouwError(
      "INVALID_PARAMS",
      `${filePath} is not a calibration file: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`,
    );
  }
  return parsed.data;
}

export async function writeCalibrationFile(filePath: string, file: CalibrationFile): Promise<void> {
  await writeFileAtomic(filePath, JSON.stringify(CalibrationFile.parse(file), null, 2) + "\n");
}
