import { afterEach, describe, expect, it } from "vitest";
import type { PouwError } from "../../src-shared/errors.js";
import type { ToWorkerMessage } from "../../src-shared/worker-contract.js";
import type { WorkerChild, WorkerSpawner } from "../../src-main/worker-client/spawn.js";
import { WorkerSupervisor, type SupervisorOptions } from "../../src-main/worker-client/supervisor.js";
import { backoffDelay, describeExit } from "../../src-main/worker-client/crash-reason.js";

/** An in-memory worker: the test decides what it answers and when it dies. */
class FakeChild implements WorkerChild {
  static nextPid = 1000;
  readonly pid = FakeChild.nextPid++;
  readonly sent: ToWorkerMessage[] = [];
  readonly killed: string[] = [];
  #onMessage: Array<(m: unknown) => void> = [];
  #onExit: Array<(e: { code: number | null; signal: NodeJS.Signals | null }) => void> = [];
  #onStderr: Array<(l: string) => void> = [];
  #exited = false;

  constructor(private readonly behaviour: (msg: ToWorkerMessage, child: FakeChild) => void) {}

  send(message: unknown): void {
    if (this.#exited) return;
    this.sent.push(message as ToWorkerMessage);
    queueMicrotask(() => this.behaviour(message as ToWorkerMessage, this));
  }
  onMessage(h: (m: unknown) => void): void {
    this.#onMessage.push(h);
  }
  onExit(h: (e: { code: number | null; signal: NodeJS.Signals | null }) => void): void {
    this.#onExit.push(h);
  }
  onStderr(h: (l: string) => void): void {
    this.#onStderr.push(h);
  }
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    this.killed.push(signal);
    this.exit(null, signal);
  }
  reply(message: unknown): void {
    if (!this.#exited) for (const h of this.#onMessage) h(message);
  }
  stderr(line: string): void {
    for (const h of this.#onStderr) h(line);
  }
  exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    setTimeout(() => this.#onExit.forEach((h) => h({ code, signal })), 1);
  }
  requests(method?: string) {
    return this.sent.filter((m) => m.kind === "request" && (method === undefined || m.method === method));
  }
}

const okResult: Record<string, unknown> = {
  status: { pid: 1, protocol: 1, uptimeMs: 1, rssBytes: 1, model: null, activeRequests: 0 },
  unloadModel: { unloaded: true },
  embed: { vectors: [[1, 0]], dims: 2 },
  loadModel: {
    model: {
      path: "/m.gguf",
      sizeBytes: 1,
      trainContextSize: 8,
      contextSize: 8,
      threads: 1,
      gpuLayers: 0,
      backend: "cpu",
      embeddingDims: 2,
    },
    loadMs: 1,
    reused: false,
  },
};

/** Answers every request at once, like a healthy worker; `hold` lists methods it never answers. */
function healthy(hold: string[] = []) {
  return (msg: ToWorkerMessage, child: FakeChild) => {
    if (msg.kind !== "request" || hold.includes(msg.method)) return;
    child.reply({ kind: "response", id: msg.id, ok: true, result: okResult[msg.method] });
  };
}

function fakeSpawner(
  behaviours: Array<(msg: ToWorkerMessage, child: FakeChild) => void>,
  opts: { ready?: boolean } = {},
) {
  const children: FakeChild[] = [];
  const spawner: WorkerSpawner = {
    spawn() {
      const behaviour = behaviours[Math.min(children.length, behaviours.length - 1)] ?? healthy();
      const child = new FakeChild(behaviour);
      children.push(child);
      if (opts.ready !== false) setTimeout(() => child.reply({ kind: "ready", protocol: 1, pid: child.pid }), 2);
      return child;
    },
  };
  return { spawner, children };
}

const fast: SupervisorOptions = {
  startTimeoutMs: 200,
  heartbeatIntervalMs: 20,
  heartbeatTimeoutMs: 10_000,
  restartInitialDelayMs: 10,
  restartMaxDelayMs: 1_000,
};

let supervisors: WorkerSupervisor[] = [];
function supervise(spawner: WorkerSpawner, extra: SupervisorOptions = {}) {
  const s = new WorkerSupervisor({ ...fast, ...extra, spawner });
  supervisors.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(supervisors.map((s) => s.stop(50)));
  supervisors = [];
});

const once = <T>(s: WorkerSupervisor, event: "ready" | "crashed" | "restarted") =>
  new Promise<T>((resolve) => s.once(event, (e: unknown) => resolve(e as T)));

describe("WorkerSupervisor", () => {
  it("starts after the ready handshake and matches answers to calls by id", async () => {
    const { spawner, children } = fakeSpawner([healthy()]);
    const s = supervise(spawner);
    const ready = once<{ pid: number }>(s, "ready");
    await s.start();
    expect((await ready).pid).toBe(children[0]?.pid);
    const [a, b] = await Promise.all([s.call("status", {}), s.call("unloadModel", {})]);
    expect(a.protocol).toBe(1);
    expect(b.unloaded).toBe(true);
    const ids = children[0]?.requests().map((m) => (m.kind === "request" ? m.id : -1));
    expect(new Set(ids).size).toBe(2);
  });

  it("fails start with a clear error when the worker never says ready, and kills it", async () => {
    const { spawner, children } = fakeSpawner([healthy()], { ready: false });
    const s = supervise(spawner, { startTimeoutMs: 50 });
    await expect(s.start()).rejects.toMatchObject({
      code: "WORKER_UNAVAILABLE",
      message: expect.stringMatching(/did not become ready within/),
    });
    expect(children[0]?.killed).toContain("SIGKILL");
  });

  it("rejects bad params before sending, and a malformed result as INTERNAL", async () => {
    const { spawner, children } = fakeSpawner([
      (msg, child) => {
        if (msg.kind === "request")
          child.reply({ kind: "response", id: msg.id, ok: true, result: { vectors: "nope" } });
      },
    ]);
    const s = supervise(spawner);
    await s.start();
    await expect(s.call("generate", { prompt: "", seed: 1, temperature: 0, maxTokens: 1 })).rejects.toMatchObject({
      code: "INVALID_PARAMS",
    });
    expect(children[0]?.requests("generate")).toHaveLength(0);
    await expect(s.call("embed", { texts: ["a"] })).rejects.toMatchObject({
      code: "INTERNAL",
      message: expect.stringMatching(/malformed embed result/),
    });
  });

  it("passes typed worker errors through with their code", async () => {
    const { spawner } = fakeSpawner([
      (msg, child) => {
        if (msg.kind === "request")
          child.reply({
            kind: "response",
            id: msg.id,
            ok: false,
            error: { code: "CONTEXT_OVERFLOW", message: "prompt too long" },
          });
      },
    ]);
    const s = supervise(spawner);
    await s.start();
    await expect(s.call("embed", { texts: ["x"] })).rejects.toMatchObject({
      code: "CONTEXT_OVERFLOW",
      message: "prompt too long",
    });
  });

  it("on a crash fails in-flight calls with WORKER_CRASHED and the reason, restarts, restores the model, serves the next call", async () => {
    const { spawner, children } = fakeSpawner([healthy(["embed"]), healthy()]);
    const s = supervise(spawner);
    await s.start();
    await s.call("loadModel", { path: "/m.gguf" });
    const inFlight = s.call("embed", { texts: ["x"] });
    const crashed = once<{ reason: string; restartInMs: number }>(s, "crashed");
    const restarted = once<{ pid: number }>(s, "restarted");
    await new Promise((r) => setTimeout(r, 5));
    children[0]?.exit(null, "SIGKILL");
    const err = (await inFlight.catch((e: unknown) => e)) as PouwError;
    expect(err.code).toBe("WORKER_CRASHED");
    expect(err.message).toMatch(/killed by SIGKILL.*embed did not finish/);
    expect((await crashed).reason).toMatch(/SIGKILL/);
    expect((await restarted).pid).toBe(children[1]?.pid);
    expect(children[1]?.requests("loadModel")).toHaveLength(1); // model restored after restart
    expect((await s.call("embed", { texts: ["x"] })).dims).toBe(2);
  });

  it("blames a crash during a model load on memory, and does not load that model again", async () => {
    const { spawner, children } = fakeSpawner([healthy(["loadModel"]), healthy()]);
    const s = supervise(spawner);
    await s.start();
    const load = s.call("loadModel", { path: "/models/huge-70b.gguf" });
    await new Promise((r) => setTimeout(r, 5));
    children[0]?.stderr("ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size 40000000000");
    children[0]?.exit(null, "SIGKILL");
    await expect(load).rejects.toMatchObject({
      code: "WORKER_CRASHED",
      message: expect.stringMatching(/out of memory while loading huge-70b\.gguf/),
    });
    await once(s, "restarted");
    expect(children[1]?.requests("loadModel")).toHaveLength(0);
  });

  it("kills and restarts a worker that stops sending heartbeats", async () => {
    const { spawner, children } = fakeSpawner([healthy(["embed"]), healthy()]);
    const s = supervise(spawner, { heartbeatTimeoutMs: 80 });
    await s.start();
    const call = s.call("embed", { texts: ["x"] });
    await expect(call).rejects.toMatchObject({
      code: "WORKER_CRASHED",
      message: expect.stringMatching(/stopped responding/),
    });
    expect(children[0]?.killed).toContain("SIGKILL");
    await once(s, "restarted");
    expect(children).toHaveLength(2);
  });

  it("sends heartbeats to the worker", async () => {
    const { spawner, children } = fakeSpawner([healthy()]);
    const s = supervise(spawner);
    await s.start();
    await new Promise((r) => setTimeout(r, 70));
    expect(children[0]?.sent.filter((m) => m.kind === "heartbeat").length).toBeGreaterThanOrEqual(2);
  });

  it("cancels on abort and on timeout, telling the worker to stop", async () => {
    const { spawner, children } = fakeSpawner([healthy(["embed"])]);
    const s = supervise(spawner);
    await s.start();
    const controller = new AbortController();
    const aborted = s.call("embed", { texts: ["x"] }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(s.call("embed", { texts: ["x"] }, { timeoutMs: 30 })).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(children[0]?.sent.filter((m) => m.kind === "cancel")).toHaveLength(2);
    // Aborted before it could be sent: refused at once, nothing reaches the worker.
    await expect(s.call("embed", { texts: ["x"] }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "CANCELLED",
    });
    expect(children[0]?.requests("embed")).toHaveLength(2);
  });

  it("backs off exponentially between restarts of a crash-looping worker", async () => {
    const dying = (msg: ToWorkerMessage, child: FakeChild) => {
      if (msg.kind === "request") child.exit(1, null);
    };
    const { spawner } = fakeSpawner([dying]);
    const s = supervise(spawner, { restartInitialDelayMs: 5 });
    const delays: number[] = [];
    s.on("crashed", (e) => delays.push(e.restartInMs));
    await s.start();
    for (let i = 0; i < 3; i++)
      await expect(s.call("status", {})).rejects.toMatchObject({
        code: "WORKER_CRASHED",
        message: expect.stringMatching(/exited with code 1/),
      });
    expect(delays).toEqual([5, 10, 20]);
  });

  it("stop() ends the worker, fails what was pending, and refuses new calls", async () => {
    const { spawner, children } = fakeSpawner([healthy(["embed"])]);
    const s = supervise(spawner);
    await s.start();
    const pending = s.call("embed", { texts: ["x"] }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    await s.stop();
    expect(await pending).toMatchObject({ code: "WORKER_UNAVAILABLE" });
    expect(children[0]?.killed).toContain("SIGTERM");
    await expect(s.call("status", {})).rejects.toMatchObject({ code: "WORKER_UNAVAILABLE" });
  });
});

describe("crash reasons", () => {
  it("names the cause as precisely as the facts allow", () => {
    expect(describeExit({ code: 1, signal: null, stderr: [] })).toBe("exited with code 1");
    expect(describeExit({ code: null, signal: "SIGKILL", stderr: [], loadingModel: "/m/big.gguf" })).toBe(
      "out of memory while loading big.gguf (killed by SIGKILL)",
    );
    expect(
      describeExit({ code: 134, signal: null, stderr: ["FATAL ERROR: Reached heap limit Allocation failed"] }),
    ).toMatch(/^out of memory/);
    expect(describeExit({ code: 1, signal: null, stderr: ["Error: boom", ""] })).toBe(
      "exited with code 1: Error: boom",
    );
    expect(describeExit({ code: null, signal: "SIGKILL", stderr: [], killedBecause: "no heartbeat" })).toBe(
      "no heartbeat",
    );
  });
  it("doubles the restart delay up to the cap", () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 5_000))).toEqual([500, 1000, 2000, 4000, 5000]);
  });
});
