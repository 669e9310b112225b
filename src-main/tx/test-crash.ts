import type { JournalRecord } from "./journal.js";

/**
 * TEST-ONLY. `POUW_TEST_CRASH_AT=<action>:<kind>` (e.g. `ack:confirmed`, `output:confirmed`,
 * `precommit:intent`) makes the miner process kill itself with SIGKILL right after the journal has
 * fsync'd the first such record — the harshest crash there is, at an exact point of a task, for
 * test/chain/headless-crash.test.ts. Unset (always, outside that test) it does nothing. This is
 * the only place the variable is read.
 */
export const CRASH_AT_ENV = "POUW_TEST_CRASH_AT";

export function crashHookFromEnv(env: NodeJS.ProcessEnv = process.env): ((record: JournalRecord) => void) | undefined {
  const at = env[CRASH_AT_ENV];
  if (!at) return undefined;
  const [action, kind = "confirmed"] = at.split(":");
  return (record) => {
    if (record.action === action && record.kind === kind) process.kill(process.pid, "SIGKILL");
  };
}
