import { PouwError } from "../../src-shared/errors.js";
import type { ServiceFailure, ServiceRecord } from "../../src-shared/network-host-contract.js";
import { pidAlive } from "./pid.js";

/**
 * A child the devnet owns: anvil, the oracle node, the peer miners, the router. Each is started by
 * the group, watched while it runs, and stopped in reverse start order.
 */
export interface Service {
  readonly name: string;
  /** OS process id when the service is a process: goes in the lock file so orphans can be found. */
  readonly pid: number | undefined;
  /** Where it answers; a later devnet uses it to tell an orphan of ours from a reused PID. */
  readonly url: string | undefined;
  /** Settles when the service ends by itself; without it the group polls `pid`. */
  readonly exited?: Promise<unknown>;
  /**
   * A service the network can lose (a peer miner: the oracle reassigns its tasks). Its end is
   * reported through the group's `onLost`, not as a failure of the whole devnet.
   */
  readonly expendable?: boolean;
  stop(): Promise<void>;
}

export type { ServiceFailure, ServiceRecord } from "../../src-shared/network-host-contract.js";

export class ServiceGroup {
  readonly #services: Service[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #stopping: Promise<void> | undefined;
  #fail: (f: ServiceFailure) => void = () => {};
  /** Resolves (never rejects) when a service ends without being asked to. */
  readonly failed: Promise<ServiceFailure>;

  constructor(
    private readonly watchIntervalMs = 1000,
    private readonly onLost: (name: string) => void = () => undefined,
  ) {
    this.failed = new Promise((resolve) => (this.#fail = resolve));
  }

  /** Starts a service and keeps it; refused once the group is stopping. */
  async start<S extends Service>(start: () => Promise<S>): Promise<S> {
    if (this.#stopping) throw new PouwError("CANCELLED", "the devnet is stopping");
    const service = await start();
    if (this.#stopping) {
      await service.stop();
      throw new PouwError("CANCELLED", "the devnet is stopping");
    }
    this.#services.push(service);
    this.#watch(service);
    return service;
  }

  records(): ServiceRecord[] {
    return this.#services.map((s) => ({ name: s.name, pid: s.pid ?? null, url: s.url ?? null }));
  }

  /** Stops every service, last started first; safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    const errors: string[] = [];
    for (const s of [...this.#services].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        errors.push(`${s.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (errors.length > 0)
      throw new PouwError("INTERNAL", `some devnet services did not stop cleanly (${errors.join("; ")})`);
  }

  #watch(service: Service): void {
    const report = () => {
      if (this.#stopping) return;
      if (service.expendable) this.onLost(service.name);
      else this.#fail({ name: service.name, message: `${service.name} exited unexpectedly` });
    };
    if (service.exited) {
      service.exited.then(report, report);
      return;
    }
    const pid = service.pid;
    if (pid === undefined) return;
    const timer = setInterval(() => {
      if (!pidAlive(pid)) {
        clearInterval(timer);
        report();
      }
    }, this.watchIntervalMs);
    // Not unref'd: a running devnet keeps its process alive until stop(), even if its children die.
    this.#timers.push(timer);
  }
}
