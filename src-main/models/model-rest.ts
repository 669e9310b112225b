import type { MiningStatus } from "../../src-shared/app-contract.js";
import { toErrorShape } from "../../src-shared/errors.js";
import type { Inference } from "../miner/inference.js";

export const LOADING_MODEL_REASON = "Loading model…";
/** A reload that failed is tried again after this long (each look would otherwise retry at once). */
export const RELOAD_RETRY_MS = 30_000;
const CHECK_MS = 1_000;

export interface RestClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}
const realClock: RestClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface ModelRestOptions {
  /** The setting unloadAfterPauseMinutes: how long a rest lasts before the model is unloaded; 0 = never. */
  minutes(): number;
  /** True while mining takes no new work: paused by the gate, stopping or stopped. */
  resting(): boolean;
  /** Tasks in flight; the model stays loaded while any is. */
  inFlight(): number;
  /** Frees the model's memory (the worker's unloadModel). */
  unload(): Promise<void>;
  /** Loads the miner's model again, with the same parameters as at start. */
  load(): Promise<void>;
  /** Loading started or ended: show the mining state again and let held work go on. */
  onChange?(): void;
  log?(line: string): void;
  /** How often rest and resumption are looked at, ms. */
  checkMs?: number;
  clock?: RestClock;
}

type ModelState = "loaded" | "unloading" | "unloaded" | "loading";

/**
 * Frees GPU memory while mining rests: after `minutes()` of pause or stop with no task in flight the
 * model is unloaded; when mining resumes it is loaded again before new work is taken (holdReason()
 * holds new assignments and status() shows "Loading model…" meanwhile). A generation asked for
 * while unloaded (a creator's step runs even while paused) waits for the reload.
 */
export class ModelRest {
  private state: ModelState = "loaded";
  private restSince: number | undefined;
  private loading: Promise<void> | undefined;
  private unloading: Promise<void> | undefined;
  private failure: { message: string; retryAt: number } | undefined;
  private generating = 0;
  private timer: unknown;
  private readonly clock: RestClock;

  constructor(private readonly opts: ModelRestOptions) {
    this.clock = opts.clock ?? realClock;
  }

  get loaded(): boolean {
    return this.state === "loaded";
  }

  start(): void {
    this.timer ??= this.clock.setInterval(() => this.check(), this.opts.checkMs ?? CHECK_MS);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look: count the rest towards the unload, or reload when mining takes work again. */
  check(): void {
    if (!this.opts.resting()) {
      this.restSince = undefined;
      this.wantLoaded();
      return;
    }
    const minutes = this.opts.minutes();
    if (minutes <= 0 || this.state !== "loaded" || this.generating > 0 || this.opts.inFlight() > 0) {
      this.restSince = undefined;
      return;
    }
    const now = this.clock.now();
    this.restSince ??= now;
    if (now - this.restSince >= minutes * 60_000) void this.unloadNow(minutes);
  }

  /** Why new work must wait for the model (undefined once it is loaded); asking starts the reload. */
  holdReason(): string | undefined {
    if (this.state === "loaded") return undefined;
    this.wantLoaded();
    return this.failure ? `Could not load the model again: ${this.failure.message} (retrying)` : LOADING_MODEL_REASON;
  }

  /** The mining state to show: "mining" becomes "starting: Loading model…" until the model is back. */
  status(status: MiningStatus): MiningStatus {
    if (status.state !== "mining") return status;
    const hold = this.holdReason();
    return hold === undefined ? status : { state: "starting", reason: hold };
  }

  /** The engine's inference, loading the model first when it was unloaded. */
  wrap(inner: Inference): Inference {
    return {
      generate: async (req, signal) => {
        this.generating += 1;
        try {
          await this.ensureLoaded();
          return await inner.generate(req, signal);
        } finally {
          this.generating -= 1;
        }
      },
    };
  }

  async ensureLoaded(): Promise<void> {
    while (this.state !== "loaded") {
      if (this.unloading) await this.unloading;
      else await this.reload();
    }
  }

  private wantLoaded(): void {
    if (this.state !== "unloaded" || (this.failure && this.clock.now() < this.failure.retryAt)) return;
    this.reload().catch(() => undefined);
  }

  private unloadNow(minutes: number): Promise<void> {
    this.state = "unloading";
    this.restSince = undefined;
    this.unloading = Promise.resolve()
      .then(() => this.opts.unload())
      .then(
        () => {
          this.state = "unloaded";
          this.opts.log?.(`model unloaded after ${minutes} min of rest; it loads again when mining resumes`);
        },
        (err: unknown) => {
          this.state = "loaded";
          this.opts.log?.(`could not unload the model: ${toErrorShape(err).message}`);
        },
      )
      .finally(() => (this.unloading = undefined));
    return this.unloading;
  }

  private reload(): Promise<void> {
    this.loading ??= this.loadAgain().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadAgain(): Promise<void> {
    if (this.unloading) await this.unloading;
    if (this.state === "loaded") return;
    this.state = "loading";
    this.opts.onChange?.();
    try {
      await this.opts.load();
      this.state = "loaded";
      this.failure = undefined;
      this.opts.log?.("model loaded again");
    } catch (err) {
      this.state = "unloaded";
      const message = toErrorShape(err).message;
      this.failure = { message, retryAt: this.clock.now() + RELOAD_RETRY_MS };
      this.opts.log?.(`could not load the model again: ${message}`);
      throw err;
    } finally {
      this.opts.onChange?.();
    }
  }
}
