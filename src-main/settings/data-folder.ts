import path from "node:path";
import { PouwError } from "../../src-shared/errors.js";
import { appDataDir, defaultAppDataDir } from "../paths.js";
import { checkDataFolder, readDataFolderPointer, samePath, writeDataFolderPointer } from "./data-folder-pointer.js";

/**
 * The `dataDir` setting of a settings store: the folder chosen for the next start. Only a store in
 * the folder the app picked by itself (no POUW_DATA_DIR, no --data-dir) governs the choice; in any
 * other folder the setting is absent and changing it is refused with the reason.
 */
export interface DataFolderChoice {
  /** The chosen folder, or undefined for the platform's default. */
  chosen(): string | undefined;
  /** Validates and records the choice for the next start; returns what `dataDir` becomes. */
  choose(dir: string | undefined): string | undefined;
  /** One line each: a pointer that could not be used. */
  readonly notices: readonly string[];
}

export function dataFolderChoice(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): DataFolderChoice {
  const defaultDir = defaultAppDataDir(env, platform);
  const governs = !env.POUW_DATA_DIR && samePath(path.resolve(cwd), appDataDir(env, platform), platform);
  const read = governs ? readDataFolderPointer(defaultDir) : {};
  const away = (dir: string | undefined) =>
    dir === undefined || samePath(dir, defaultDir, platform) ? undefined : dir;
  let chosen = away(read.dir);
  return {
    notices: read.problem ? [`${read.problem}; using the default data folder`] : [],
    chosen: () => chosen,
    choose(dir) {
      if (!governs) {
        throw new PouwError(
          "INVALID_PARAMS",
          "settings not saved: dataDir: this run's data folder is set by POUW_DATA_DIR or --data-dir; start without it to choose one here",
        );
      }
      const next = away(dir === undefined ? undefined : checkDataFolder(dir));
      try {
        writeDataFolderPointer(defaultDir, next);
      } catch (err) {
        throw new PouwError(
          "INVALID_PARAMS",
          `settings not saved: dataDir: cannot record the choice in ${defaultDir} (${(err as Error).message})`,
        );
      }
      chosen = next;
      return next;
    },
  };
}
