import os from "node:os";
import path from "node:path";
import { runtimeFiles } from "./runtime/runtime-files.js";
import { readDataFolderPointer } from "./settings/data-folder-pointer.js";

/** The package root (where package.json is) in whatever layout this runs (src-main/runtime/runtime-files.ts). */
export const packageRoot = runtimeFiles().appRoot;

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
  if (runtimeFiles().layout === "packaged") return path.join(appDataDir(env), "models");
  return path.join(packageRoot, "models");
}
