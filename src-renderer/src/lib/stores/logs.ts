import { writable, type Readable } from "svelte/store";
import type { AppClient } from "../../../../src-shared/app-client.js";
import type { LogLine } from "../../../../src-shared/app-views.js";

export const LOG_WINDOW = 2000;

export interface LogsStore extends Readable<LogLine[]> {
  connect(): () => void;
}

/** The live tail: the last `max` lines, seeded by getLogs and fed by `log` pushes. */
export function createLogsStore(client: AppClient, max = LOG_WINDOW): LogsStore {
  const store = writable<LogLine[]>([]);
  let lines: LogLine[] = [];
  const append = (more: readonly LogLine[]) => {
    if (more.length === 0) return;
    lines = [...lines, ...more].slice(-max);
    store.set(lines);
  };
  return {
    subscribe: store.subscribe,
    connect() {
      let held: LogLine[] | undefined = [];
      const off = client.subscribe("log", (line) => {
        if (held) held.push(line);
        else append([line]);
      });
      client
        .invoke("getLogs", { limit: max })
        .catch(() => [] as LogLine[])
        .then((seed) => {
          append(seed);
          // A pushed line may also be in the seed when both raced: keep the one copy.
          const seen = new Set(seed.map(key));
          append((held ?? []).filter((l) => !seen.has(key(l))));
          held = undefined;
        });
      return off;
    },
  };
}

const key = (l: LogLine) => `${l.at}\u0000${l.level}\u0000${l.message}`;
