import { readFile } from "node:fs/promises";
import { z } from "zod";
import { writeFileAtomic } from "../storage/atomic-file.js";

/** How far the sync got: the last fully processed block, and recent block hashes to spot reorgs. */
export const SyncCursor = z.object({
  block: z.number().int().nonnegative(),
  /** Most recent first; enough of them to find where a reorg forked. */
  checkpoints: z.array(z.object({ block: z.number().int().nonnegative(), hash: z.string() })),
});
export type SyncCursor = z.infer<typeof SyncCursor>;

export interface CursorStore {
  load(): Promise<SyncCursor | undefined>;
  save(cursor: SyncCursor): Promise<void>;
}

export function memoryCursorStore(initial?: SyncCursor): CursorStore & { current?: SyncCursor } {
  const store: CursorStore & { current?: SyncCursor } = {
    current: initial,
    load: async () => store.current,
    save: async (c) => {
      store.current = c;
    },
  };
  return store;
}

/** A cursor on disk, written atomically so a crash never leaves it half-written. */
export function fileCursorStore(filePath: string): CursorStore {
  return {
    async load() {
      try {
        return SyncCursor.parse(JSON.parse(await readFile(filePath, "utf8")));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        // A damaged cursor only costs a longer catch-up: handlers are idempotent.
        return undefined;
      }
    },
    save: (cursor) => writeFileAtomic(filePath, JSON.stringify(cursor)),
  };
}
