import { pidAlive, waitForExit } from "./pid.js";
import type { ServiceRecord } from "./services.js";

/** True when a JSON-RPC server answers eth_chainId at `url`. */
export async function answersJsonRpc(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Ends the services a killed devnet left running (its lock named them). A PID is only signalled
 * when the service still answers at its recorded URL, so a PID the OS has since reused for some
 * other program is left alone. SIGTERM first: anvil writes its state file on the way out, and the
 * new devnet must load that final state. Returns the names of the services it ended.
 */
export async function endOrphans(
  records: ServiceRecord[],
  answers: (url: string) => Promise<boolean> = answersJsonRpc,
): Promise<string[]> {
  const ended: string[] = [];
  for (const r of [...records].reverse()) {
    if (r.pid === null || r.url === null || !pidAlive(r.pid)) continue;
    if (!(await answers(r.url))) continue;
    process.kill(r.pid, "SIGTERM");
    if (!(await waitForExit(r.pid, 10_000)) && pidAlive(r.pid)) process.kill(r.pid, "SIGKILL");
    ended.push(r.name);
  }
  return ended;
}
