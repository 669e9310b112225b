import semver from "semver";

/**
 * Release versions as electron-builder writes them (semver: 1.2.3, 1.3.0-beta.2, build metadata
 * ignored), compared by the `semver` package electron-updater itself uses. The Electron adapter
 * leaves this to electron-updater; the plain-Node feed backend and the update store use it.
 */
export function isVersion(version: string): boolean {
  return semver.valid(version.trim()) !== null;
}

/** Negative when a < b, positive when a > b, 0 when equal; throws on a string that is not a version. */
export function compareVersions(a: string, b: string): number {
  for (const v of [a, b]) if (!isVersion(v)) throw new Error(`not a version: ${v}`);
  return semver.compare(a.trim(), b.trim());
}

export function isNewer(candidate: string, than: string): boolean {
  return compareVersions(candidate, than) > 0;
}
