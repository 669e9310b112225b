import type { Fit } from "./fit.js";

/**
 * Expected generation speed of a model on this machine, from what this machine has measured. Token
 * generation reads every weight once per token, so it is bound by memory bandwidth: a model twice
 * the size runs at about half the speed on the same device. A measured model of the same kind of
 * placement (GPU, or CPU/partial) is scaled by size; without one nothing is guessed.
 */
export interface SpeedReference {
  readonly sizeBytes: number;
  readonly tokensPerSecond: number;
  readonly fit: Fit;
}

export interface ExpectedSpeed {
  readonly tokensPerSecond: number;
  readonly source: "measured" | "estimated";
}

const placement = (fit: Fit): "gpu" | "host" | undefined =>
  fit === "gpu" ? "gpu" : fit === "too-large" ? undefined : "host";

export function expectedSpeed(
  target: { sizeBytes?: number; fit?: Fit; measuredTokensPerSecond?: number },
  references: readonly SpeedReference[],
): ExpectedSpeed | undefined {
  if (target.measuredTokensPerSecond !== undefined && target.measuredTokensPerSecond > 0) {
    return { tokensPerSecond: target.measuredTokensPerSecond, source: "measured" };
  }
  if (target.fit === undefined || target.sizeBytes === undefined || target.sizeBytes <= 0) return undefined;
  const where = placement(target.fit);
  if (where === undefined) return undefined;
  const size = target.sizeBytes;
  const usable = references.filter((r) => r.sizeBytes > 0 && r.tokensPerSecond > 0 && placement(r.fit) === where);
  if (usable.length === 0) return undefined;
  // The reference closest in size: the fewer fixed costs the ratio has to carry, the better it holds.
  const closest = usable.reduce((best, r) =>
    Math.abs(Math.log(r.sizeBytes / size)) < Math.abs(Math.log(best.sizeBytes / size)) ? r : best,
  );
  return { tokensPerSecond: (closest.tokensPerSecond * closest.sizeBytes) / size, source: "estimated" };
}
