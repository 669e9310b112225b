import type { AppClient } from "../../../../src-shared/app-client.js";
import type { LogLine } from "../../../../src-shared/app-views.js";
import { seededWindow, type SeededWindow } from "./seeded-window.js";

export const LOG_WINDOW = 2000;

export type LogsStore = SeededWindow<LogLine>;

/** The live tail: the last `max` lines, seeded by getLogs and fed by `log` pushes. */
export function createLogsStore(client: AppClient, max = LOG_WINDOW): LogsStore {
  return seededWindow<LogLine>({
    max,
    follow: (push) => client.subscribe("log", push),
    fetchSeed: () => client.invoke("getLogs", { limit: max }),
    // A pushed line may also be in the seed when both raced: keep the one copy.
    fresh: (_window, incoming, seed) => {
      if (!seed) return incoming;
      const seen = new Set(seed.map(key));
      return incoming.filter((l) => !seen.has(key(l)));
    },
  });
}

const key = (l: LogLine) => `${l.at}\u0000${l.level}\u0000${l.message}`;
