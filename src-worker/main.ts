import { parentChannel } from "../src-shared/node/parent-channel.js";
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, WORKER_PROTOCOL_VERSION } from "../src-shared/worker-contract.js";
import { defaultThreads } from "./default-threads.js";
import { Dispatcher } from "./dispatcher.js";
import { createHandlers } from "./handlers.js";
import { ModelHost } from "./model-host.js";

// The worker process entry. It exists to keep native inference (and its crashes) out of the
// main process: main supervises it and restarts it; here we only serve requests and stay alive.
const startedAt = performance.now();
const transport = parentChannel();
const host = new ModelHost({ defaultThreads, gpu: process.env.POUW_WORKER_GPU === "off" ? false : "auto" });
const dispatcher: Dispatcher = new Dispatcher(
  (m) => transport.send(m),
  createHandlers(host, { startedAt, activeRequests: () => dispatcher.activeRequests }),
);

const heartbeatMs = Number(process.env.POUW_WORKER_HEARTBEAT_MS) || HEARTBEAT_INTERVAL_MS;
const parentTimeoutMs = Number(process.env.POUW_WORKER_PARENT_TIMEOUT_MS) || HEARTBEAT_TIMEOUT_MS;

function exit(code: number): never {
  dispatcher.abortAll();
  process.exit(code);
}

transport.onMessage((m) => dispatcher.handle(m));
// An orphaned worker would hold gigabytes of model memory forever; leave with the parent.
transport.onParentGone(() => exit(0));
const timer = setInterval(() => {
  if (performance.now() - dispatcher.lastHeartbeatAt > parentTimeoutMs) exit(3);
  transport.send({ kind: "heartbeat", at: Date.now() });
}, heartbeatMs);
timer.unref();
// unref'd timers alone would let the process end; the IPC channel keeps it up while the parent lives.
transport.send({ kind: "ready", protocol: WORKER_PROTOCOL_VERSION, pid: process.pid });
