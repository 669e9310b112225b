import { fork, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { FromWorkerMessage, type ToWorkerMessage } from "../../src-shared/worker-contract.js";
import { entryExecArgv, runtimeFiles } from "../../src-main/runtime/runtime-files.js";

// Talks to the real worker process over raw IPC, without the supervisor, so the worker's own
// validation and its parent-loss rules are what is tested. No model needed.
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0))
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) process.kill(c.pid, "SIGKILL");
});

function startWorker(env: Record<string, string> = {}) {
  const entry = runtimeFiles().workerEntry;
  const child = fork(entry, [], {
    execArgv: entryExecArgv(entry),
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    serialization: "advanced",
  });
  children.push(child);
  const inbox: FromWorkerMessage[] = [];
  const waiters: Array<() => void> = [];
  child.on("message", (m) => {
    inbox.push(FromWorkerMessage.parse(m));
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (match: (m: FromWorkerMessage) => boolean): Promise<FromWorkerMessage> => {
    for (;;) {
      const i = inbox.findIndex(match);
      if (i >= 0) return inbox.splice(i, 1)[0] as FromWorkerMessage;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const send = (m: ToWorkerMessage | Record<string, unknown>) => child.send(m);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, next, send, exited };
}

describe("worker protocol (raw IPC)", () => {
  it("says ready, answers each request by id with a typed error for bad input, and reports malformed messages", async () => {
    const w = startWorker();
    const ready = await w.next((m) => m.kind === "ready");
    expect(ready).toMatchObject({ kind: "ready", protocol: 1, pid: w.child.pid });

    w.send({
      kind: "request",
      id: 1,
      method: "generate",
      params: { prompt: "hi", seed: 1, temperature: 0, maxTokens: 0 },
    });
    w.send({
      kind: "request",
      id: 2,
      method: "generate",
      params: { prompt: "hi", seed: 1, temperature: 0, maxTokens: 4 },
    });
    w.send({ kind: "request", id: 3, method: "mine-bitcoin", params: {} });
    w.send({ hello: "world" });
    w.send({ kind: "request", id: 4, method: "status", params: {} });

    expect(await w.next((m) => m.kind === "response" && m.id === 1)).toMatchObject({
      ok: false,
      error: { code: "INVALID_PARAMS", message: expect.stringMatching(/maxTokens/) },
    });
    expect(await w.next((m) => m.kind === "response" && m.id === 2)).toMatchObject({
      ok: false,
      error: { code: "NO_MODEL_LOADED" },
    });
    expect(await w.next((m) => m.kind === "response" && m.id === 3)).toMatchObject({
      ok: false,
      error: { code: "INVALID_PARAMS" },
    });
    expect(await w.next((m) => m.kind === "fault")).toMatchObject({
      error: { code: "INVALID_PARAMS", message: expect.stringMatching(/malformed message/) },
    });
    const status = await w.next((m) => m.kind === "response" && m.id === 4);
    expect(status).toMatchObject({ ok: true, result: { pid: w.child.pid, model: null } });
    expect(await w.next((m) => m.kind === "heartbeat")).toMatchObject({ kind: "heartbeat" });
  });

  it("exits when its parent disconnects, so it never outlives the miner", async () => {
    const w = startWorker();
    await w.next((m) => m.kind === "ready");
    w.child.disconnect();
    expect(await w.exited).toBe(0);
  });

  it("exits when the parent stops sending heartbeats", async () => {
    const w = startWorker({ POUW_WORKER_HEARTBEAT_MS: "50", POUW_WORKER_PARENT_TIMEOUT_MS: "400" });
    await w.next((m) => m.kind === "ready");
    const started = performance.now();
    expect(await w.exited).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});
