import { PouwError } from "../../src-shared/errors.js";
import { PeerMessage, type PeerStart } from "../../src-shared/peer-contract.js";
import { currentLauncher } from "../../src-main/runtime/launcher.js";
import { runtimeFiles } from "../../src-main/runtime/runtime-files.js";
import { waitForExit } from "../devnet/pid.js";
import type { Service } from "../devnet/services.js";

export interface PeerService extends Service {
  readonly address: string;
  /** The peer's own worker process. */
  readonly workerPid: number | null;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Starts one peer miner process (the registry's peer entry, through this process's launcher) and
 * waits until it is registered, its worker has the model loaded and its chain sync runs. Its PID
 * and health URL go in the devnet's lock file.
 */
export async function startPeerService(start: PeerStart, onLog: (line: string) => void): Promise<PeerService> {
  const child = currentLauncher().launch(runtimeFiles().peerEntry, { serviceName: `PoUW devnet ${start.name}` });
  child.onStderr((line) => onLog(`${start.name}: ${line}`));
  let ended = false;
  const exited = new Promise<void>((resolve) => child.onExit(() => ((ended = true), resolve())));
  const ready = new Promise<Extract<PeerMessage, { kind: "ready" }>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PouwError("TIMEOUT", `${start.name} was not ready after ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    child.onMessage((raw: unknown) => {
      const m = PeerMessage.safeParse(raw);
      if (!m.success) return;
      if (m.data.kind === "log") onLog(`${start.name}: ${m.data.line}`);
      else if (m.data.kind === "failed")
        reject(new PouwError(m.data.error.code, `${start.name}: ${m.data.error.message}`));
      else if (m.data.kind === "ready") resolve(m.data);
      else return; // launch relay traffic (src-main/runtime/launch-relay.ts)
      clearTimeout(timer);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new PouwError("INTERNAL", `${start.name} exited before it was ready`));
    });
  });
  const stop = async () => {
    if (ended || child.pid === undefined) return;
    child.kill("SIGTERM");
    if (!(await waitForExit(child.pid, 10_000))) child.kill("SIGKILL");
    await exited;
  };
  try {
    child.send(start);
    const r = await ready;
    return {
      name: start.name,
      pid: child.pid,
      url: r.healthUrl,
      exited,
      expendable: true,
      address: r.address,
      workerPid: r.workerPid,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
