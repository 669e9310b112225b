import { PouwError } from "../../src-shared/errors.js";
import {
  parseEvent,
  parseResult,
  type ResponseMessage,
  type ToWorkerMessage,
  type WorkerMethod,
} from "../../src-shared/worker-contract.js";

export interface CallOptions<E> {
  signal?: AbortSignal;
  onEvent?: (event: E) => void;
  /** The call fails with TIMEOUT (and the worker is told to cancel) after this long. */
  timeoutMs?: number;
}

interface Entry {
  method: WorkerMethod;
  params: unknown;
  onEvent?: (event: never) => void;
  settle(outcome: { ok: true; value: unknown } | { ok: false; error: PouwError }): void;
}

/**
 * Calls waiting for the worker, matched by request id. Every way a call can end — answer, error,
 * cancel, timeout, crash — goes through `settle`, which runs once and cleans up its timer and
 * abort listener, so no call is left hanging and none is answered twice.
 */
export class PendingCalls {
  #nextId = 1;
  readonly #calls = new Map<number, Entry>();

  constructor(private readonly send: (message: ToWorkerMessage) => void) {}

  get size(): number {
    return this.#calls.size;
  }

  /** The path of a model being loaded right now, if any (a crash then is blamed on it). */
  get loadingModel(): string | undefined {
    for (const e of this.#calls.values()) if (e.method === "loadModel") return (e.params as { path: string }).path;
    return undefined;
  }

  call<R>(method: WorkerMethod, params: unknown, opts: CallOptions<never>): Promise<R> {
    const id = this.#nextId++;
    if (opts.signal?.aborted) return Promise.reject(new PouwError("CANCELLED", `${method} was cancelled`));
    return new Promise<R>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        this.send({ kind: "cancel", id });
        entry.settle({ ok: false, error: new PouwError("CANCELLED", `${method} was cancelled`) });
      };
      const entry: Entry = {
        method,
        params,
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
        settle: (outcome) => {
          if (!this.#calls.delete(id)) return;
          clearTimeout(timer);
          opts.signal?.removeEventListener("abort", onAbort);
          if (outcome.ok) resolve(outcome.value as R);
          else reject(outcome.error);
        },
      };
      this.#calls.set(id, entry);
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.send({ kind: "cancel", id });
          entry.settle({
            ok: false,
            error: new PouwError("TIMEOUT", `${method} did not finish within ${formatMs(opts.timeoutMs ?? 0)}`),
          });
        }, opts.timeoutMs);
      }
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      this.send({ kind: "request", id, method, params });
    });
  }

  deliver(msg: ResponseMessage | { kind: "event"; id: number; event: unknown }): void {
    const entry = this.#calls.get(msg.id);
    if (!entry) return; // already cancelled or timed out; a late answer is dropped
    if (msg.kind === "event") {
      const event = parseEvent(entry.method, msg.event);
      if (event.success) entry.onEvent?.(event.data as never);
      return;
    }
    if (!msg.ok) {
      entry.settle({ ok: false, error: PouwError.fromShape(msg.error) });
      return;
    }
    const result = parseResult(entry.method, msg.result);
    entry.settle(
      result.success
        ? { ok: true, value: result.data }
        : { ok: false, error: new PouwError("INTERNAL", `the worker sent a malformed ${entry.method} result`) },
    );
  }

  failAll(error: PouwError): void {
    for (const entry of [...this.#calls.values()]) {
      entry.settle({ ok: false, error: new PouwError(error.code, `${error.message}; ${entry.method} did not finish`) });
    }
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
