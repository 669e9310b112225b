import type { LiveSample } from "../../src-shared/app-views.js";
import type { HardwareSample } from "../../src-shared/hardware.js";

/**
 * Generation throughput from finished inferences: tokens generated in the last `windowMs` over
 * that window — what the miner actually produced, not the benchmark's promise.
 */
export class ThroughputMeter {
  private readonly done: Array<{ at: number; tokens: number }> = [];

  constructor(private readonly windowMs = 30_000) {}

  add(tokens: number, at = Date.now()): void {
    if (tokens > 0) this.done.push({ at, tokens });
  }

  tokensPerSecond(now = Date.now()): number {
    while (this.done.length > 0 && this.done[0]!.at < now - this.windowMs) this.done.shift();
    const tokens = this.done.reduce((n, d) => n + d.tokens, 0);
    return tokens / (this.windowMs / 1000);
  }
}

/**
 * Takes a hardware reading every `intervalMs` (the worker's `sample`), adds the miner's tokens/s,
 * keeps the last `keep` for getSamples and hands each to `onSample`. A failed reading is skipped:
 * the chart shows a gap rather than a made-up value.
 */
export class LiveSampler {
  private readonly recent: LiveSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly opts: {
      read(): Promise<HardwareSample>;
      tokensPerSecond(): number | undefined;
      onSample(sample: LiveSample): void;
      intervalMs?: number;
      keep?: number;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 2_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  samples(): LiveSample[] {
    return [...this.recent];
  }

  async tick(): Promise<LiveSample | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    try {
      const reading = await this.opts.read();
      const tps = this.opts.tokensPerSecond();
      const sample: LiveSample = { ...reading, ...(tps !== undefined ? { tokensPerSecond: tps } : {}) };
      this.recent.push(sample);
      if (this.recent.length > (this.opts.keep ?? 150)) this.recent.shift();
      this.opts.onSample(sample);
      return sample;
    } catch {
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
