import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A stand-in for Electron's runtime folder (electron-builder's `electronDist`): Electron's binary is
 * downloaded at first launch and cannot be fetched here. It has what electron-builder packs around
 * the app — the executable, licences, version — and the executable carries Electron's fuse wire
 * (sentinel, version, one byte per fuse, as in Electron 45's binary) so that electron-builder's
 * `electronFuses` step flips it exactly as it flips the real one, and the check reads it back.
 */
export const FUSE_SENTINEL = "dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX";
// Electron's defaults, in @electron/fuses' FuseV1Options order: RunAsNode, EnableCookieEncryption,
// EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments,
// EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot,
// GrantFileProtocolExtraPrivileges.
const DEFAULT_WIRE = "10110001";

export function executableName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "electron.exe" : "electron";
}

export function writeStandInRuntime(
  dir: string,
  version: string,
  platform: NodeJS.Platform = process.platform,
): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "resources"), { recursive: true });
  const exe = path.join(dir, executableName(platform));
  const script = Buffer.from("#!/bin/sh\necho 'stand-in for Electron: not a runnable runtime' >&2\nexit 1\n");
  const wire = Buffer.concat([
    Buffer.from(FUSE_SENTINEL, "ascii"),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE, "ascii"),
  ]);
  writeFileSync(exe, Buffer.concat([script, Buffer.from("\n# "), wire, Buffer.from("\n")]));
  chmodSync(exe, 0o755);
  writeFileSync(path.join(dir, "version"), version);
  writeFileSync(path.join(dir, "LICENSE"), "Electron's licence travels with the real runtime.\n");
  writeFileSync(path.join(dir, "LICENSES.chromium.html"), "<p>Chromium's licences travel with the real runtime.</p>\n");
  return exe;
}
