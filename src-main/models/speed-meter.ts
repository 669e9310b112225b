/**
 * Transfer speed over a sliding window, so the ETA follows the current rate rather than the
 * average since start (which a resumed download's instant first chunk would inflate).
 */
export function createSpeedMeter(windowMs = 3000): { update(totalBytes: number, now: number): number } {
  const samples: Array<{ t: number; bytes: number }> = [];
  return {
    update(totalBytes, now) {
      samples.push({ t: now, bytes: totalBytes });
      while (samples.length > 2 && now - samples[0]!.t > windowMs) samples.shift();
      const first = samples[0]!;
      const seconds = (now - first.t) / 1000;
      return seconds > 0 ? Math.max(0, (totalBytes - first.bytes) / seconds) : 0;
    },
  };
}
