import { pidAlive, waitForExit } from "./pid.js";
import { answersHttp } from "./rpc-probe.js";
import type { ServiceRecord } from "./services.js";

/**
 * Ends the services a killed devnet left running (its lock named them). A PID is only signalled
 * when the service still answers at its recorded URL, so a PID the OS has since reused for some
 * other program is left alone. SIGTERM first: anvil writes its state file on the way out, and the
 * new devnet must load that final state. Returns the names of the services it ended.
 */
export async function endOrphans(
  records: ServiceRecord[],
  answers: (url: string) => Promise<boolean> = answersHttp,
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
