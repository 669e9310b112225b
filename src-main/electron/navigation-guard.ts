import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the app's own pages come from: the built renderer folder, or the Vite dev server. */
export interface AppOrigin {
  /** Absolute path of dist/renderer (the folder holding index.html). */
  rendererDir: string;
  /** Only while developing, e.g. "http://localhost:5173". */
  devServerUrl?: string;
}

/**
 * True only for the app's own pages: file:// URLs inside the renderer folder (not elsewhere on
 * disk), or the dev server's exact origin. Used for navigation and to trust IPC senders.
 */
export function isAppUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origin.devServerUrl) {
    const dev = new URL(origin.devServerUrl);
    if (parsed.origin === dev.origin && (dev.protocol === "http:" || dev.protocol === "https:")) return true;
  }
  if (parsed.protocol !== "file:" || parsed.host !== "") return false;
  const file = path.resolve(fileURLToPath(parsed));
  const root = path.resolve(origin.rendererDir);
  return file === root || file.startsWith(root + path.sep);
}

/**
 * Links the renderer asks to open in a new window go to the system browser, but only https links
 * without credentials: never file:, javascript:, custom schemes or the app itself.
 */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && parsed.username === "" && parsed.password === "";
  } catch {
    return false;
  }
}
