import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDataFolderPointer } from "./settings/data-folder-pointer.js";

/**
 * The nearest folder at or above `start` holding package.json. This file runs from src-main/ (source,
 * tsx), from dist/electron/ (bundled) or from inside app.asar (packaged), so its own depth says nothing.
 */
export function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** The package root (where package.json is), whether run from source or from a bundle in dist/. */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

const APP_FOLDER = "PoUW Miner";

/**
 * Per-user data folder (wallet, journal, settings, devnet state): the folder the user chose in
 * Settings (a pointer file in the default folder, src-main/settings/data-folder-pointer.ts), else
 * the platform's default. `POUW_DATA_DIR` overrides both so tests and several headless miners on
 * one machine never share state.
 */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.POUW_DATA_DIR) return path.resolve(env.POUW_DATA_DIR);
  const fallback = defaultAppDataDir(env, platform);
  return readDataFolderPointer(fallback).dir ?? fallback;
}

/** The platform's app-data folder for this app, where the data-folder pointer lives. */
export function defaultAppDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), APP_FOLDER);
  if (platform === "darwin") return path.join(home, "Library", "Application Support", APP_FOLDER);
  return path.join(env.XDG_DATA_HOME ?? path.join(home, ".local", "share"), "pouw-miner");
}

/**
 * Where model files live. From a source checkout it is the repository's `models/` folder; inside a
 * packaged app (read-only asar) it is under the data folder. `POUW_MODELS_DIR` overrides both.
 */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POUW_MODELS_DIR) return path.resolve(env.POUW_MODELS_DIR);
  if (packageRoot.includes(`${path.sep}app.asar`)) return path.join(appDataDir(env), "models");
  return path.join(packageRoot, "models");
}
