import { toErrorShape } from "../../src-shared/errors.js";
import type { RunningDevnet } from "../../src-network/host/network-host.js";

/** How the embedded devnet is doing, for the session's state and log. */
export type DevnetHealth =
  | { state: "up"; restarts: number }
  | { state: "restarting"; reason: string; since: number; attempt: number; restarts: number };

export interface DevnetSupervisorOptions {
  /** Starts the devnet again on the same folder and port (the provider's URL stays valid). */
  restart(): Promise<RunningDevnet>;
  onLog(line: string): void;
  onHealth?(health: DevnetHealth): void;
  /** First wait before a restart, doubled after each failed one up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Keeps the app's embedded devnet running: when one of its children dies (anvil killed, out of
 * memory) the whole devnet is stopped and started again on the same folder — its chain state and
 * deployment reused — after a wait that doubles while restarts fail. Until then the health says
 * "restarting" with the reason, so the app does not go on claiming to mine.
 */
export class DevnetSupervisor {
  private currentDevnet: RunningDevnet;
  private healthValue: DevnetHealth = { state: "up", restarts: 0 };
  private stopped = false;
  private restarting: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    first: RunningDevnet,
    private readonly opts: DevnetSupervisorOptions,
  ) {
    this.currentDevnet = first;
    this.watch(first);
  }

  get devnet(): RunningDevnet {
    return this.currentDevnet;
  }

  health(): DevnetHealth {
    return this.healthValue;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.restarting;
    await this.currentDevnet.stop();
  }

  private watch(devnet: RunningDevnet): void {
    void devnet.failed.then((failure) => {
      if (this.stopped || devnet !== this.currentDevnet) return;
      this.restarting = this.restart(failure.message);
    });
  }

  private async restart(reason: string): Promise<void> {
    const restarts = this.healthValue.restarts;
    const since = Date.now();
    this.setHealth({ state: "restarting", reason, since, attempt: 0, restarts });
    this.opts.onLog(`devnet: ${reason}; restarting it`);
    await this.currentDevnet
      .stop()
      .catch((err: unknown) => this.opts.onLog(`devnet: while stopping: ${toErrorShape(err).message}`));
    const first = this.opts.firstBackoffMs ?? 1_000;
    for (let attempt = 1; !this.stopped; attempt++) {
      await this.sleep(Math.min(this.opts.maxBackoffMs ?? 30_000, first * 2 ** (attempt - 1)));
      if (this.stopped) return;
      try {
        const next = await this.opts.restart();
        if (this.stopped) {
          await next.stop();
          return;
        }
        this.currentDevnet = next;
        this.watch(next);
        this.setHealth({ state: "up", restarts: restarts + 1 });
        this.opts.onLog(
          `devnet: running again (restart ${restarts + 1}, after ${Math.round((Date.now() - since) / 1000)} s)`,
        );
        return;
      } catch (err) {
        this.setHealth({
          state: "restarting",
          reason: `${reason}; restart ${attempt} failed: ${toErrorShape(err).message}`,
          since,
          attempt,
          restarts,
        });
        this.opts.onLog(`devnet: restart ${attempt} failed: ${toErrorShape(err).message}`);
      }
    }
  }

  private setHealth(health: DevnetHealth): void {
    this.healthValue = health;
    this.opts.onHealth?.(health);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
