import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs";
import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import { compareVersions, isVersion } from "./versions.js";

const PARTIAL = ".partial";

/**
 * `<data>/updates/`: verified installers by version (`<version>/<file>`), the download in progress
 * beside its final name (`<file>.partial`, never taken for an installer), and the launch record
 * (launches.json). The installer of the version that ran before this one is kept: it is what the
 * rollback offer points at.
 */
export class UpdateStore {
  constructor(readonly dir: string) {}

  get launchFile(): string {
    return path.join(this.dir, "launches.json");
  }

  /** Where a release's file goes; the version and the file name come from the feed, so both are checked. */
  fileFor(version: string, fileName: string): string {
    if (!isVersion(version))
      throw new PouwError("INVALID_PARAMS", `the update feed names an odd version: ${JSON.stringify(version)}`);
    const base = path.basename(fileName);
    if (base !== fileName || base === "" || base.startsWith(".") || base.endsWith(PARTIAL)) {
      throw new PouwError("INVALID_PARAMS", `the update feed names an odd file: ${JSON.stringify(fileName)}`);
    }
    return path.join(this.dir, version, base);
  }

  partialOf(file: string): string {
    return file + PARTIAL;
  }

  /** The verified installer kept for a version, if any. */
  installerOf(version: string): string | undefined {
    if (!isVersion(version)) return undefined;
    const dir = path.join(this.dir, version);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return undefined;
    }
    const name = names.filter((n) => !n.endsWith(PARTIAL) && !n.startsWith(".")).sort()[0];
    return name === undefined ? undefined : path.join(dir, name);
  }

  /** Copies a verified file (electron-updater's cache) in as this version's installer; returns where it is kept. */
  async keep(version: string, file: string): Promise<string> {
    const dest = this.fileFor(version, path.basename(file));
    if (path.resolve(file) === path.resolve(dest)) return dest;
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    const partial = this.partialOf(dest);
    await fs.promises.copyFile(file, partial);
    await fs.promises.rename(partial, dest);
    return dest;
  }

  /**
   * Removes the kept installers of versions older than `current` that are not in `keep`, and any
   * partial download left by a crash. Newer versions stay: a verified download waiting to be installed.
   */
  prune(current: string, keep: readonly string[]): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || !isVersion(entry.name)) continue;
      const dir = path.join(this.dir, entry.name);
      if (!keep.includes(entry.name) && isVersion(current) && compareVersions(entry.name, current) < 0) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      for (const name of fs.readdirSync(dir))
        if (name.endsWith(PARTIAL)) fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

/** sha512 of a file, base64 as electron-builder writes it in latest*.yml. */
export function sha512Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha512");
    createReadStream(file)
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("base64")));
  });
}

/** True when the file exists and has this sha512. */
export async function hasSha512(file: string, sha512: string): Promise<boolean> {
  try {
    return (await sha512Of(file)) === sha512;
  } catch {
    return false;
  }
}
