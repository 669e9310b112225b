import { PouwError } from "../../src-shared/errors.js";

export interface BackoffOptions {
  /** Wrong passwords allowed before waiting starts (a typo or two costs nothing). */
  free?: number;
  /** The longest wait, however many wrong passwords. */
  maxMs?: number;
  now?: () => number;
}

/**
 * Slows password guessing through the app contract (unlock, recovery phrase, keystore export):
 * after `free` wrong passwords each further one doubles the wait before the next attempt is
 * heard (1 s, 2 s, 4 s … up to `maxMs`), and attempts are heard one at a time, so firing many at
 * once gains nothing. A right password resets it. scrypt alone still allows a guess a second.
 */
export class PasswordBackoff {
  private failures = 0;
  private blockedUntil = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly free: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.free = opts.free ?? 3;
    this.maxMs = opts.maxMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Runs a password check unless a wait is due; counts it when it fails with WRONG_PASSWORD. */
  attempt<T>(check: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.attemptNow(check));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async attemptNow<T>(check: () => Promise<T>): Promise<T> {
    const waitMs = this.blockedUntil - this.now();
    if (waitMs > 0) {
      throw new PouwError("TOO_MANY_ATTEMPTS", `too many wrong passwords: try again in ${Math.ceil(waitMs / 1000)} s`);
    }
    try {
      const result = await check();
      this.failures = 0;
      this.blockedUntil = 0;
      return result;
    } catch (err) {
      if (err instanceof PouwError && err.code === "WRONG_PASSWORD") {
        this.failures++;
        if (this.failures >= this.free)
          this.blockedUntil = this.now() + Math.min(this.maxMs, 1000 * 2 ** (this.failures - this.free));
      }
      throw err;
    }
  }
}
