import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { RollbackOffer } from "../../src-shared/app-views.js";
import type { UpdateStore } from "./update-store.js";

/**
 * `<data>/updates/launches.json`: which version last ran, whether its session opened, how many
 * opens in a row failed, and the last version whose session did open. A launch that never reached
 * "opened" (a crash, a kill) counts as failed at the next start; a quit before the session opened
 * does not.
 */
const LaunchFile = z
  .object({
    version: z.string(),
    state: z.enum(["opening", "opened", "failed", "closed"]),
    failedOpens: z.number().int().nonnegative(),
    /** The version that ran before this one. */
    previous: z.string().optional(),
    /** The newest version whose session opened. */
    lastGood: z.string().optional(),
  })
  .strict();
type LaunchFile = z.infer<typeof LaunchFile>;

/** Failed opens in a row after which a freshly updated version offers the previous installer. */
export const FAILED_OPENS_TO_OFFER = 2;

export class LaunchRecord {
  private constructor(
    private readonly store: UpdateStore,
    private data: LaunchFile,
    private readonly releaseUrl: string | undefined,
  ) {}

  /**
   * Records "opening" for this version (before the session opens). A record that cannot be read
   * starts afresh; one that cannot be written throws, and the caller goes on without it.
   */
  static begin(store: UpdateStore, version: string, options: { releaseUrl?: string } = {}): LaunchRecord {
    const before = read(store.launchFile);
    let data: LaunchFile;
    if (!before) {
      data = { version, state: "opening", failedOpens: 0 };
    } else if (before.version !== version) {
      const lastGood = before.state === "opened" ? before.version : before.lastGood;
      data = { version, state: "opening", failedOpens: 0, previous: before.version, ...(lastGood ? { lastGood } : {}) };
    } else {
      // The same version again: a launch left at "opening" never opened (crashed or was killed).
      const failedOpens = before.failedOpens + (before.state === "opening" ? 1 : 0);
      data = { ...before, state: "opening", failedOpens };
    }
    const record = new LaunchRecord(store, data, options.releaseUrl);
    record.write();
    return record;
  }

  get version(): string {
    return this.data.version;
  }

  /** The versions whose installers are worth keeping: this one and the ones to go back to. */
  keepVersions(): string[] {
    return [this.data.version, this.data.previous, this.data.lastGood].filter((v): v is string => v !== undefined);
  }

  opened(): void {
    this.data = { ...this.data, state: "opened", failedOpens: 0, lastGood: this.data.version };
    this.write();
  }

  /** The session did not open; returns the rollback offer when that makes two in a row for a freshly updated version. */
  failed(): RollbackOffer | undefined {
    this.data = { ...this.data, state: "failed", failedOpens: this.data.failedOpens + 1 };
    this.write();
    return this.offer();
  }

  /** The app quit before the session opened: not a failure of this version. */
  closedBeforeOpen(): void {
    if (this.data.state !== "opening") return;
    this.data = { ...this.data, state: "closed" };
    this.write();
  }

  /** The offer, while this version never opened its session and failed to twice in a row. */
  offer(): RollbackOffer | undefined {
    const { version, failedOpens, lastGood } = this.data;
    if (failedOpens < FAILED_OPENS_TO_OFFER || !lastGood || lastGood === version) return undefined;
    const installerPath = this.store.installerOf(lastGood);
    const url = installerPath ? undefined : this.releaseUrl;
    const how = installerPath
      ? `the installer of ${lastGood} is kept at ${installerPath}: run it to go back`
      : `reinstall ${lastGood} from ${url ?? "the download page"}`;
    return {
      version,
      previousVersion: lastGood,
      message: `Version ${version} failed to open its session twice in a row; ${how}.`,
      ...(installerPath ? { installerPath } : {}),
      ...(url ? { url } : {}),
    };
  }

  private write(): void {
    const file = this.store.launchFile;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n");
    fs.renameSync(tmp, file);
  }
}

function read(file: string): LaunchFile | undefined {
  try {
    const parsed = LaunchFile.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
