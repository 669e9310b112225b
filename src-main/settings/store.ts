import fs from "node:fs";
import path from "node:path";
import Conf from "conf";
import { PouwError } from "../../src-shared/errors.js";
import {
  Settings,
  SettingsUpdate,
  defaultSettings,
  describeZodError,
  mergeSettings,
} from "../../src-shared/settings-schema.js";
import { dataFolderChoice } from "./data-folder.js";
import { migrateSettings } from "./migrations.js";

/**
 * Settings for both the Electron shell and the headless miner. electron-store imports Electron when it
 * loads, so the plain-Node core keeps settings through `conf` (what electron-store wraps) for its atomic
 * writes and per-project folder. Conf's own schema and semver migrations are not used: the file is read
 * and migrated here first so a bad file can be backed up before anything overwrites it.
 */
export interface SettingsStore {
  readonly path: string;
  /** What happened while opening, one line each (migrations run, a bad file backed up). */
  readonly notices: readonly string[];
  get(): Settings;
  /** Validates and saves; throws PouwError INVALID_PARAMS with one line naming the bad field. */
  update(update: unknown): Settings;
  onChange(listener: (settings: Settings) => void): () => void;
}

export interface OpenSettingsOptions {
  /** The folder holding settings.json (the app data folder, or a temp dir in tests). */
  cwd: string;
  now?: () => Date;
  /** Where the platform's default data folder is (and whether POUW_DATA_DIR is set): process.env unless a test says. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const CONFIG_NAME = "settings";

export function openSettings(options: OpenSettingsOptions): SettingsStore {
  const now = options.now ?? (() => new Date());
  fs.mkdirSync(options.cwd, { recursive: true });
  const file = path.join(options.cwd, `${CONFIG_NAME}.json`);
  const notices: string[] = [];
  // `dataDir` is where the pointer says, whatever this folder's file holds (it may be a fresh folder).
  const folder = dataFolderChoice(options.cwd, options.env, options.platform);
  notices.push(...folder.notices);
  const initial = withDataDir(loadStored(file, now, notices), folder.chosen());

  const conf = new Conf<Settings>({
    projectName: "pouw-miner",
    cwd: options.cwd,
    configName: CONFIG_NAME,
    clearInvalidConfig: false,
  });
  conf.store = initial;
  let current = initial;
  const listeners = new Set<(settings: Settings) => void>();

  return {
    path: file,
    notices,
    get: () => current,
    update(update) {
      const parsed = SettingsUpdate.safeParse(update);
      if (!parsed.success)
        throw new PouwError("INVALID_PARAMS", `settings not saved: ${describeZodError(parsed.error)}`);
      const next = Settings.safeParse(mergeSettings(current, parsed.data));
      if (!next.success) throw new PouwError("INVALID_PARAMS", `settings not saved: ${describeZodError(next.error)}`);
      const saved =
        next.data.dataDir === current.dataDir ? next.data : withDataDir(next.data, folder.choose(next.data.dataDir));
      conf.store = saved;
      current = saved;
      for (const listener of listeners) listener(current);
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function withDataDir(settings: Settings, dataDir: string | undefined): Settings {
  const { dataDir: _stored, ...rest } = settings;
  return dataDir === undefined ? rest : { ...rest, dataDir };
}

function loadStored(file: string, now: () => Date, notices: string[]): Settings {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return defaultSettings();
    throw new PouwError("INTERNAL", `cannot read ${file}: ${(err as Error).message}`);
  }
  let problem: string;
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error("it is not a JSON object");
    const migrated = migrateSettings(raw as Record<string, unknown>);
    const parsed = Settings.safeParse(migrated.value);
    if (parsed.success) {
      if (migrated.applied.length > 0) {
        notices.push(`settings migrated from schema ${migrated.from} to ${parsed.data.schemaVersion}`);
      }
      return parsed.data;
    }
    problem = describeZodError(parsed.error);
  } catch (err) {
    problem = (err as Error).message;
  }
  const backup = backUp(file, now());
  notices.push(`settings file was invalid (${problem}); kept it as ${path.basename(backup)} and reset to defaults`);
  return defaultSettings();
}

function backUp(file: string, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, "-");
  for (let n = 0; ; n++) {
    const candidate = `${file}.bak-${stamp}${n === 0 ? "" : `-${n}`}`;
    try {
      fs.copyFileSync(file, candidate, fs.constants.COPYFILE_EXCL);
      // Conf re-reads the file when it opens and would throw on it, so the bad file moves aside.
      fs.unlinkSync(file);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}
