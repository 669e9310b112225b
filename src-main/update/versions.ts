/**
 * Release versions as electron-builder writes them (semver: 1.2.3, 1.3.0-beta.2, build metadata
 * ignored). The Electron adapter leaves this to electron-updater; the plain-Node feed backend and the
 * update store use it.
 */
const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Parsed {
  core: [number, number, number];
  pre: string[];
}

function parse(version: string): Parsed | undefined {
  const m = VERSION.exec(version.trim());
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split(".") : [] };
}

export function isVersion(version: string): boolean {
  return parse(version) !== undefined;
}

/** Negative when a < b, positive when a > b, 0 when equal; throws on a string that is not a version. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) throw new Error(`not a version: ${pa ? b : a}`);
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i]! - pb.core[i]!;
  // A pre-release sorts before its release; identifiers compare numerically when both are numbers.
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) return nx - ny;
    if (nx !== undefined || ny !== undefined) return nx !== undefined ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function isNewer(candidate: string, than: string): boolean {
  return compareVersions(candidate, than) > 0;
}
