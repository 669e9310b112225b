import { EventEmitter } from "node:events";
import { PouwError } from "../../src-shared/errors.js";
import {
  FromWorkerMessage,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  WORKER_PROTOCOL_VERSION,
  describeIssues,
  parseParams,
  type EventOf,
  type LoadModelParams,
  type ParamsOf,
  type ResultOf,
  type ToWorkerMessage,
  type WorkerMethod,
} from "../../src-shared/worker-contract.js";
import { backoffDelay, describeExit } from "./crash-reason.js";
import { PendingCalls, type CallOptions } from "./pending-calls.js";
import { workerSpawner, type WorkerChild, type WorkerSpawner } from "./spawn.js";

export interface SupervisorOptions {
  spawner?: WorkerSpawner;
  startTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  restartInitialDelayMs?: number;
  restartMaxDelayMs?: number;
  /** After a restart, load again the model that was loaded before the crash (default true). */
  restoreModel?: boolean;
}

export interface SupervisorEvents {
  ready: [{ pid: number; startMs: number }];
  crashed: [{ reason: string; code: number | null; signal: NodeJS.Signals | null; restartInMs: number }];
  restarted: [{ pid: number; attempt: number }];
}

type State = "stopped" | "starting" | "ready" | "stopping";

/** A worker that stays up this long after starting is healthy again; backoff starts over. */
const STABLE_AFTER_MS = 30_000;
const STDERR_LINES = 20;

/**
 * Runs the inference worker and keeps it running: ready handshake with a start timeout,
 * heartbeats both ways, typed calls matched by id, restart with exponential backoff after a crash,
 * and every in-flight call failed with WORKER_CRASHED and the reason — a caller never hangs.
 */
export class WorkerSupervisor extends EventEmitter<SupervisorEvents> {
  readonly #opts: Required<Omit<SupervisorOptions, "spawner">> & { spawner: WorkerSpawner };
  #state: State = "stopped";
  #child: WorkerChild | undefined;
  #ready: Promise<void> | undefined;
  #pending = new PendingCalls((m) => this.#send(m));
  #stderr: string[] = [];
  #lastSeen = 0;
  #startedAt = 0;
  #crashes = 0;
  #killedBecause: string | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #loadedModel: LoadModelParams | undefined;

  constructor(options: SupervisorOptions = {}) {
    super();
    this.#opts = {
      spawner: options.spawner ?? workerSpawner(),
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS,
      restartInitialDelayMs: options.restartInitialDelayMs ?? 500,
      restartMaxDelayMs: options.restartMaxDelayMs ?? 30_000,
      restoreModel: options.restoreModel ?? true,
    };
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get state(): State {
    return this.#state;
  }

  /** Starts the worker; resolves once it has said it is ready. */
  start(): Promise<void> {
    if (this.#state === "stopping")
      return Promise.reject(new PouwError("WORKER_UNAVAILABLE", "the worker is stopping"));
    this.#ready ??= this.#launch();
    return this.#ready;
  }

  /** Calls a worker method; waits for a (re)starting worker rather than failing at once. */
  async call<M extends WorkerMethod>(
    method: M,
    params: ParamsOf<M>,
    opts: CallOptions<EventOf<M>> = {},
  ): Promise<ResultOf<M>> {
    if (this.#state === "stopped" || this.#state === "stopping") {
      throw new PouwError("WORKER_UNAVAILABLE", "the worker is not running");
    }
    if (opts.signal?.aborted) throw new PouwError("CANCELLED", `${method} was cancelled`);
    const checked = parseParams(method, params);
    if (!checked.success) throw new PouwError("INVALID_PARAMS", `${method}: ${describeIssues(checked.error)}`);
    await (this.#ready ?? this.start());
    // stop() may have been called while this call waited for the worker to be ready.
    if (this.#stoppingOrStopped()) throw new PouwError("WORKER_UNAVAILABLE", "the worker was stopped");
    const result = await this.#pending.call<ResultOf<M>>(method, checked.data, opts as CallOptions<never>);
    if (method === "loadModel") this.#loadedModel = params as LoadModelParams;
    if (method === "unloadModel") this.#loadedModel = undefined;
    return result;
  }

  /** Ends the worker (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopping";
    clearTimeout(this.#restartTimer);
    this.#pending.failAll(new PouwError("WORKER_UNAVAILABLE", "the worker was stopped"));
    const child = this.#child;
    if (child) {
      const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    this.#stopHeartbeat();
    this.#child = undefined;
    this.#ready = undefined;
    this.#state = "stopped";
  }

  /** Spawns a worker and waits for its ready message (or its death, or the start timeout). */
  #launch(): Promise<void> {
    this.#state = "starting";
    const spawnedAt = performance.now();
    const child = this.#opts.spawner.spawn();
    this.#child = child;
    this.#stderr = [];
    this.#killedBecause = undefined;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        this.#killedBecause = `the worker did not become ready within ${Math.round(this.#opts.startTimeoutMs / 1000)} s`;
        fail(new PouwError("WORKER_UNAVAILABLE", this.#killedBecause));
        child.kill("SIGKILL");
      }, this.#opts.startTimeoutMs);
      const fail = (err: PouwError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      child.onStderr((line) => {
        this.#stderr.push(line);
        if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
      });
      child.onMessage((raw) => {
        const parsed = FromWorkerMessage.safeParse(raw);
        if (!parsed.success || this.#child !== child) return;
        this.#lastSeen = performance.now();
        const msg = parsed.data;
        if (msg.kind === "ready") {
          if (settled) return;
          if (msg.protocol !== WORKER_PROTOCOL_VERSION) {
            fail(
              new PouwError(
                "WORKER_UNAVAILABLE",
                `the worker speaks protocol ${msg.protocol}, expected ${WORKER_PROTOCOL_VERSION}`,
              ),
            );
            child.kill("SIGKILL");
            return;
          }
          settled = true;
          clearTimeout(timer);
          this.#state = "ready";
          this.#startedAt = performance.now();
          this.#startHeartbeat(child);
          this.emit("ready", { pid: msg.pid, startMs: performance.now() - spawnedAt });
          resolve();
        } else if (msg.kind === "response" || msg.kind === "event") this.#pending.deliver(msg);
      });
      child.onExit(({ code, signal }) => {
        if (this.#child !== child) return;
        const reason = describeExit({
          code,
          signal,
          stderr: this.#stderr,
          ...(this.#pending.loadingModel ? { loadingModel: this.#pending.loadingModel } : {}),
          ...(this.#killedBecause ? { killedBecause: this.#killedBecause } : {}),
        });
        fail(new PouwError("WORKER_UNAVAILABLE", `the worker failed to start: ${reason}`));
        this.#onCrash(reason, code, signal);
      });
    });
  }

  #onCrash(reason: string, code: number | null, signal: NodeJS.Signals | null): void {
    this.#stopHeartbeat();
    this.#child = undefined;
    if (this.#state === "stopping" || this.#state === "stopped") {
      this.#pending.failAll(new PouwError("WORKER_UNAVAILABLE", "the worker was stopped"));
      return;
    }
    const crashedWhileLoading = this.#pending.loadingModel;
    this.#pending.failAll(new PouwError("WORKER_CRASHED", `the worker crashed (${reason})`));
    // Loading the same model again would crash the same way; the caller must choose another.
    if (crashedWhileLoading) this.#loadedModel = undefined;
    if (this.#state === "ready" && performance.now() - this.#startedAt > STABLE_AFTER_MS) this.#crashes = 0;
    const delay = backoffDelay(this.#crashes, this.#opts.restartInitialDelayMs, this.#opts.restartMaxDelayMs);
    this.#crashes++;
    this.#state = "starting";
    this.emit("crashed", { reason, code, signal, restartInMs: delay });
    // Calls made meanwhile wait on this promise, so they are served by the restarted worker.
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#restartTimer = setTimeout(() => {
        this.#relaunch().then(resolve, reject);
      }, delay);
    });
    this.#ready.catch(() => undefined);
  }

  async #relaunch(): Promise<void> {
    const attempt = this.#crashes;
    // A failed start ends the child, and its exit handler schedules the next attempt.
    await this.#launch();
    const restore = this.#loadedModel;
    if (this.#opts.restoreModel && restore) await this.#pending.call("loadModel", restore, {}).catch(() => undefined);
    this.emit("restarted", { pid: this.pid ?? -1, attempt });
  }

  #stoppingOrStopped(): boolean {
    return this.#state === "stopping" || this.#state === "stopped";
  }

  #send(message: ToWorkerMessage): void {
    this.#child?.send(message);
  }

  #startHeartbeat(child: WorkerChild): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => {
      if (performance.now() - this.#lastSeen > this.#opts.heartbeatTimeoutMs) {
        this.#killedBecause = `the worker stopped responding (no heartbeat for ${Math.round(this.#opts.heartbeatTimeoutMs / 1000)} s)`;
        child.kill("SIGKILL");
        return;
      }
      child.send({ kind: "heartbeat", at: Date.now() } satisfies ToWorkerMessage);
    }, this.#opts.heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
