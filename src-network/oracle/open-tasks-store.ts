import { readFile } from "node:fs/promises";
import { z } from "zod";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";

/**
 * The tasks the oracle saw open, kept beside its log cursor. The cursor only says which events
 * were processed; a task opened before it and still running would be forgotten by a restart
 * without this list. It is saved before the cursor moves past the events that changed it.
 */
export interface OpenTasksStore {
  load(): Promise<bigint[]>;
  save(taskIds: readonly bigint[]): Promise<void>;
}

const OpenTasksFile = z.object({ version: z.literal(1), taskIds: z.array(z.string().regex(/^\d+$/)) });

export function fileOpenTasksStore(filePath: string): OpenTasksStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(filePath, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
      }
      const parsed = OpenTasksFile.safeParse(JSON.parse(text));
      // A damaged list is rebuilt by the events still to come; lost tasks are those already past.
      return parsed.success ? parsed.data.taskIds.map((id) => BigInt(id)) : [];
    },
    save: (taskIds) => writeFileAtomic(filePath, JSON.stringify({ version: 1, taskIds: taskIds.map(String) })),
  };
}

export function memoryOpenTasksStore(initial: bigint[] = []): OpenTasksStore & { current: bigint[] } {
  const store = {
    current: [...initial],
    load: async () => [...store.current],
    save: async (ids: readonly bigint[]) => {
      store.current = [...ids];
    },
  };
  return store;
}
