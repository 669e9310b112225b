import { PouwError, toErrorShape } from "../src-shared/errors.js";
import {
  ToWorkerMessage,
  describeIssues,
  parseParams,
  type FromWorkerMessage,
  type RequestMessage,
  type WorkerMethod,
} from "../src-shared/worker-contract.js";
import type { HandlerContext, Handlers } from "./handlers.js";

/**
 * Turns incoming messages into handler calls and every outcome into a response. Nothing a
 * request does — bad params, a missing file, a native error — escapes as an exception: each
 * becomes `{code, message}` for that request id, and the worker carries on.
 */
export class Dispatcher {
  readonly #inFlight = new Map<number, AbortController>();
  lastHeartbeatAt = performance.now();

  constructor(
    private readonly send: (message: FromWorkerMessage) => void,
    private readonly handlers: Handlers,
  ) {}

  get activeRequests(): number {
    return this.#inFlight.size;
  }

  handle(raw: unknown): void {
    const parsed = ToWorkerMessage.safeParse(raw);
    if (!parsed.success) {
      const id = requestIdOf(raw);
      const error = { code: "INVALID_PARAMS" as const, message: `malformed message: ${describeIssues(parsed.error)}` };
      this.send(id === undefined ? { kind: "fault", error } : { kind: "response", id, ok: false, error });
      return;
    }
    const msg = parsed.data;
    if (msg.kind === "heartbeat") this.lastHeartbeatAt = performance.now();
    else if (msg.kind === "cancel")
      this.#inFlight.get(msg.id)?.abort(new PouwError("CANCELLED", "cancelled by the caller"));
    else void this.#run(msg);
  }

  /** Aborts everything in flight (the parent is gone). */
  abortAll(): void {
    for (const c of this.#inFlight.values()) c.abort(new PouwError("CANCELLED", "the worker is shutting down"));
  }

  async #run(msg: RequestMessage): Promise<void> {
    const controller = new AbortController();
    if (this.#inFlight.has(msg.id)) {
      this.send({
        kind: "response",
        id: msg.id,
        ok: false,
        error: { code: "INVALID_PARAMS", message: `request id ${msg.id} is already in use` },
      });
      return;
    }
    this.#inFlight.set(msg.id, controller);
    try {
      const result = await this.#call(msg.method, msg.params, {
        signal: controller.signal,
        emit: (event) => this.send({ kind: "event", id: msg.id, event }),
      });
      this.send({ kind: "response", id: msg.id, ok: true, result });
    } catch (err) {
      this.send({ kind: "response", id: msg.id, ok: false, error: toErrorShape(err) });
    } finally {
      this.#inFlight.delete(msg.id);
    }
  }

  #call<M extends WorkerMethod>(method: M, rawParams: unknown, ctx: HandlerContext<M>): Promise<unknown> {
    const params = parseParams(method, rawParams);
    if (!params.success) throw new PouwError("INVALID_PARAMS", `${method}: ${describeIssues(params.error)}`);
    const handler = this.handlers[method] as (p: typeof params.data, c: HandlerContext<M>) => Promise<unknown>;
    return handler(params.data, ctx);
  }
}

function requestIdOf(raw: unknown): number | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const { kind, id } = raw as { kind?: unknown; id?: unknown };
  return kind === "request" && typeof id === "number" && Number.isInteger(id) && id >= 0 ? id : undefined;
}
