import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PouwError } from "../../src-shared/errors.js";
import { PeerMessage, type PeerStart } from "../../src-shared/peer-contract.js";
import { forwardLines } from "../worker/spawn.js";
import { waitForExit } from "./pid.js";
import type { Service } from "./services.js";

export interface PeerService extends Service {
  readonly address: string;
  /** The peer's own worker process. */
  readonly workerPid: number | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 120_000;

function peerEntry(): string {
  const bundled = path.join(here, "peer-main.js");
  return existsSync(bundled) ? bundled : path.join(here, "peer-main.ts");
}

/**
 * Forks one peer miner process and waits until it is registered, its worker has the model loaded
 * and its chain sync runs. Its PID and health URL go in the devnet's lock file.
 */
export async function startPeerService(start: PeerStart, onLog: (line: string) => void): Promise<PeerService> {
  const entry = peerEntry();
  const child = fork(entry, [], {
    execArgv: entry.endsWith(".ts") ? ["--import", "tsx"] : [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
  });
  forwardLines([child.stdout, child.stderr], [(line) => onLog(`${start.name}: ${line}`)]);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<Extract<PeerMessage, { kind: "ready" }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new PouwError("TIMEOUT", `${start.name} was not ready after ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.on("message", (raw: unknown) => {
      const m = PeerMessage.safeParse(raw);
      if (!m.success) return;
      if (m.data.kind === "log") onLog(`${start.name}: ${m.data.line}`);
      else if (m.data.kind === "failed") reject(new PouwError(m.data.error.code, `${start.name}: ${m.data.error.message}`));
      else resolve(m.data);
      if (m.data.kind !== "log") clearTimeout(timer);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new PouwError("INTERNAL", `${start.name} exited before it was ready`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill("SIGTERM");
    if (!(await waitForExit(child.pid, 10_000))) child.kill("SIGKILL");
    await exited;
  };
  try {
    child.send(start);
    const r = await ready;
    return { name: start.name, pid: child.pid, url: r.healthUrl, exited, expendable: true, address: r.address, workerPid: r.workerPid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
