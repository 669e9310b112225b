import type { JsonRpcProvider } from "ethers";
import type { MiningStatus } from "../../src-shared/app-contract.js";
import type { ProtocolContracts } from "../chain/contracts.js";
import { readTask } from "../chain/task-views.js";
import { drainingReason, gaveUpReason, lastNeededAt, STOPPED_BY_YOU } from "./drain-plan.js";
import type { Role } from "./engine-journal.js";
import { wallClockMs } from "../chain/chain-actions.js";

export interface HeldTask {
  taskId: string;
  role: Role;
}

export interface MiningDrainOptions {
  /** Tasks this miner took on and still owes steps (TaskEngine.inFlight). */
  inFlight(): readonly HeldTask[];
  /** Wall-clock ms after which these tasks cannot need this miner any more. */
  boundMs(tasks: readonly HeldTask[]): Promise<number>;
  /** Shows the drain's progress ("stopping" and how many tasks are left). */
  show(status: MiningStatus): void;
  /** Ends mining (sync stopped, engine halted) with this reason; called once per drain. */
  stop(reason: string): Promise<void>;
  /** How often the tasks in flight are looked at again; default 250 ms. */
  checkMs?: number;
  now?: () => number;
}

interface Run {
  timer: NodeJS.Timeout;
  boundMs: number;
  bounded: Set<string>;
  checking: boolean;
}

/**
 * A draining stop: while it runs the core holds new assignments un-acked (the mining gate's path)
 * and the chain sync goes on, so every task already accepted finishes its steps; once none is in
 * flight, or the latest deadline they can have passed, mining stops.
 */
export class MiningDrain {
  private run: Run | undefined;

  constructor(private readonly opts: MiningDrainOptions) {}

  get draining(): boolean {
    return this.run !== undefined;
  }

  /** Starts draining; when nothing is in flight, mining is stopped before this resolves. */
  async begin(): Promise<void> {
    if (this.run) return;
    const run: Run = {
      timer: setInterval(() => void this.check(), this.opts.checkMs ?? 250),
      boundMs: -Infinity,
      bounded: new Set(),
      checking: false,
    };
    run.timer.unref();
    this.run = run;
    await this.check();
  }

  /** Looks at the tasks in flight again: shows what is left, or stops. */
  async check(): Promise<void> {
    const run = this.run;
    if (!run || run.checking) return;
    run.checking = true;
    try {
      const tasks = this.opts.inFlight();
      if (tasks.length === 0) return await this.end(run, STOPPED_BY_YOU);
      // A task can become in flight during the drain (a creator role is not held): bound it too.
      const fresh = tasks.filter((t) => !run.bounded.has(keyOf(t)));
      if (fresh.length > 0) {
        run.boundMs = Math.max(run.boundMs, await this.opts.boundMs(fresh));
        for (const t of fresh) run.bounded.add(keyOf(t));
      }
      if (this.run !== run) return;
      if ((this.opts.now ?? Date.now)() >= run.boundMs) return await this.end(run, gaveUpReason(tasks.length));
      this.opts.show({ state: "stopping", reason: drainingReason(tasks.length) });
    } finally {
      run.checking = false;
    }
  }

  /** Ends the drain without stopping (a start resumes mining, or a forced stop takes over). */
  cancel(): void {
    if (!this.run) return;
    clearInterval(this.run.timer);
    this.run = undefined;
  }

  private async end(run: Run, reason: string): Promise<void> {
    if (this.run !== run) return;
    this.cancel();
    await this.opts.stop(reason);
  }
}

const keyOf = (t: HeldTask) => `${t.taskId}:${t.role}`;

/** When the chain cannot be read, the longest a task could still take on the default devnet. */
const FALLBACK_MS = 15 * 60_000;
/** For an oracle to advance a task past its deadline and for the sync to see it. */
const GRACE_SECONDS = 30;

/** The drain's upper bound for these tasks: the latest deadline they can reach, in wall-clock ms. */
export async function drainBoundMs(
  chain: { contracts: ProtocolContracts; provider: JsonRpcProvider },
  tasks: readonly HeldTask[],
  nowMs = Date.now(),
): Promise<number> {
  try {
    const [params, head, views] = await Promise.all([
      chain.contracts.tasks.read("params"),
      chain.provider.getBlock("latest"),
      Promise.all(tasks.map((t) => readTask(chain.contracts.tasks, BigInt(t.taskId)))),
    ]);
    const windows = { windows: params.windows.map(Number), poiWindow: Number(params.poiWindow) };
    const last = Math.max(...views.map((v, i) => lastNeededAt(v, tasks[i]!.role, windows)));
    return wallClockMs(last + GRACE_SECONDS, head?.timestamp, nowMs);
  } catch {
    return nowMs + FALLBACK_MS;
  }
}
