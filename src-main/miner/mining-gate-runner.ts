import type { MiningStatus } from "../../src-shared/app-contract.js";
import {
  miningGate,
  type ActivitySource,
  type BatterySource,
  type GateDecision,
  type GateSettings,
  type IdleSource,
} from "../scheduler/mining-gate.js";

export interface MiningGateRunnerOptions {
  settings: () => GateSettings;
  idleSource: IdleSource;
  /** Battery or mains, for pauseOnBattery; default: never on battery. */
  batterySource?: BatterySource;
  /** Fullscreen programs, other processes on the GPU, the user's listed programs; default: nothing seen. */
  activitySource?: ActivitySource;
  now?: () => Date;
  /** How often the gate is looked at again: the user's return is noticed within this. */
  intervalMs?: number;
}

/** Short enough that coming back to the desk pauses new work within a couple of seconds. */
const DEFAULT_INTERVAL_MS = 2_000;

/**
 * Evaluates the pure mining gate (idle-only mode, schedule windows) on a timer and whenever the
 * settings change. While it says no, the engine takes no new assignment (it waits, un-acked, and
 * acks if the gate opens before the ack deadline); tasks already acked are finished, since they
 * are bounded by their deadlines and dropping them would cost the reward and reputation.
 */
export class MiningGateRunner {
  private decision: GateDecision;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(decision: GateDecision) => void>();
  private unwatchBattery: (() => void) | undefined;
  private unwatchActivity: (() => void) | undefined;

  constructor(private readonly opts: MiningGateRunnerOptions) {
    this.decision = this.decide();
  }

  private decide(): GateDecision {
    const onBattery = this.opts.batterySource?.onBattery() ?? false;
    const activity = this.opts.activitySource;
    const now = (this.opts.now ?? (() => new Date()))();
    return miningGate(
      this.opts.settings(),
      this.opts.idleSource.idleSeconds(),
      now,
      onBattery,
      activity?.current() ?? {},
      activity?.ownPids?.() ?? new Set(),
    );
  }

  /** Looks now; tells the listeners when the answer (allowed, or the reason's words) changed. */
  evaluate(): GateDecision {
    const next = this.decide();
    const changed = next.allowed !== this.decision.allowed || next.reason !== this.decision.reason;
    this.decision = next;
    if (changed) for (const listener of this.listeners) listener(next);
    return next;
  }

  listen(listener: (decision: GateDecision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): GateDecision {
    return this.decision;
  }

  /** Why new assignments must wait now, or undefined while mining is allowed. */
  pausedReason(): string | undefined {
    return this.decision.allowed ? undefined : this.decision.reason;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.evaluate(), this.opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
    // Unplugging pauses at once, not at the next look.
    this.unwatchBattery = this.opts.batterySource?.watch?.(() => this.evaluate());
    // A game starting pauses at its probe's reading, not at the next look.
    this.unwatchActivity = this.opts.activitySource?.watch?.(() => this.evaluate());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unwatchBattery?.();
    this.unwatchBattery = undefined;
    this.unwatchActivity?.();
    this.unwatchActivity = undefined;
  }
}

/** What the dashboard shows while the chain sync runs: mining, or paused with the gate's reason. */
export function gatedMiningStatus(decision: GateDecision, servingReason: string): MiningStatus {
  return decision.allowed ? { state: "mining", reason: servingReason } : { state: "paused", reason: decision.reason };
}
