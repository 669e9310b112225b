import { nodeJournalFiles, type JournalFileLayer } from "../../src-main/tx/journal-file.js";

/**
 * A journal file layer over the real disk that runs out of space on demand: while `freeBytes` is
 * set, a write stores only what fits and then fails with ENOSPC, as a full file system does.
 * `failTruncate` makes cutting the file back fail too (the worst case, an I/O error).
 */
export class FullDisk {
  freeBytes: number | undefined;
  failTruncate = 0;
  readonly files: JournalFileLayer = {
    read: (filePath) => nodeJournalFiles.read(filePath),
    openAppend: async (filePath) => {
      const real = await nodeJournalFiles.openAppend(filePath);
      return {
        append: async (data) => {
          if (this.freeBytes === undefined || data.length <= this.freeBytes) {
            await real.append(data);
            if (this.freeBytes !== undefined) this.freeBytes -= data.length;
            return;
          }
          await real.append(data.subarray(0, this.freeBytes));
          this.freeBytes = 0;
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });
        },
        datasync: () => real.datasync(),
        truncate: async (length) => {
          if (this.failTruncate > 0) {
            this.failTruncate--;
            throw Object.assign(new Error("EIO: i/o error, ftruncate"), { code: "EIO" });
          }
          await real.truncate(length);
        },
        close: () => real.close(),
      };
    },
  };
}
