import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { buildUnpacked } from "../../scripts/package-check/build-unpacked.js";
import { BACKENDS } from "../../scripts/package-check/verify-layout.js";
import { anvilPackage } from "../../src-main/runtime/runtime-files.js";
import type { BenchPart, BenchRow } from "../types.js";

/**
 * Issue 11, point 4 (per-platform payload): how big each installer's unpacked app is and how much of
 * it is native inference binaries (node-llama-cpp's prebuilt backends), after electron-builder.yml's
 * per-platform filter and before it. Linux x64 is measured on the app built here exactly as
 * `npm run package:check` builds it; Windows x64 and macOS arm64 are estimated from the npm
 * registry's package sizes, since their packages are not installed on Linux.
 */
const run = promisify(execFile);
const MB = 1e6;
const SCOPE = "@node-llama-cpp";

interface Target {
  key: string;
  platform: NodeJS.Platform;
  arch: string;
}
const LINUX: Target = { key: "linux-x64", platform: "linux", arch: "x64" };
const ESTIMATED: Target[] = [
  { key: "win32-x64", platform: "win32", arch: "x64" },
  { key: "darwin-arm64", platform: "darwin", arch: "arm64" },
];
const EST = " — estimated from npm registry sizes";

/** Bytes of every regular file under `p` (file sizes, as npm's unpackedSize counts them; no block rounding). */
function bytesUnder(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const d of readdirSync(p, { recursive: true, withFileTypes: true })) {
    if (d.isFile()) total += statSync(path.join(d.parentPath, d.name)).size;
  }
  return total;
}

const listDir = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;

/** What electron-builder.yml's `node_modules/@node-llama-cpp/${os}-${arch}*` keeps for a target. */
function keptPrefix(t: Target): string {
  const b = BACKENDS[t.key];
  if (!b) throw new Error(`no backend list for ${t.key} in scripts/package-check/verify-layout.ts`);
  return `${b.os}-${b.arch}`;
}

function backendLabel(pkg: string, prefix: string): string {
  const rest = pkg.slice(prefix.length).replace(/^-/, "");
  const names: Record<string, string> = {
    "": "CPU",
    cuda: "CUDA",
    "cuda-ext": "CUDA ext",
    vulkan: "Vulkan",
    metal: "Metal",
  };
  return `${pkg} (${names[rest] ?? rest})`;
}

/** npm's own os/cpu rule (npm-install-checks): a `!x` entry excludes, any plain entry must match. */
function allows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const plain = list.filter((x) => !x.startsWith("!"));
  return plain.length === 0 || plain.includes(value);
}

interface RegistryInfo {
  unpackedSize: number;
  os?: string[];
  cpu?: string[];
  via: "npm view" | "npm pack --dry-run";
}

/**
 * One package version's unpacked size (and os/cpu) from the registry: `npm view` first; where the
 * registry's metadata has no dist.unpackedSize, `npm pack --dry-run`, which reads the tarball
 * through npm's cache and reports the same sum of file sizes.
 */
async function registryInfo(root: string, spec: string, needSize: boolean): Promise<RegistryInfo> {
  const view = await run("npm", ["view", spec, "dist.unpackedSize", "os", "cpu", "--json"], {
    cwd: root,
    timeout: 60_000,
  });
  const meta = (view.stdout.trim() ? JSON.parse(view.stdout) : {}) as {
    "dist.unpackedSize"?: number;
    os?: string[] | string;
    cpu?: string[] | string;
  };
  const asList = (v: string[] | string | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const base = { os: asList(meta.os), cpu: asList(meta.cpu) };
  if (typeof meta["dist.unpackedSize"] === "number")
    return { ...base, unpackedSize: meta["dist.unpackedSize"], via: "npm view" };
  if (!needSize) return { ...base, unpackedSize: NaN, via: "npm view" };
  const pack = await run("npm", ["pack", spec, "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    timeout: 300_000,
    maxBuffer: 16 * 2 ** 20,
  });
  const [first] = JSON.parse(pack.stdout) as Array<{ unpackedSize?: number }>;
  if (typeof first?.unpackedSize !== "number") throw new Error(`npm pack --dry-run ${spec}: no unpackedSize`);
  return { ...base, unpackedSize: first.unpackedSize, via: "npm pack --dry-run" };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const packagePart: BenchPart = {
  name: "package",
  description:
    "per-platform payload: unpacked app size and the share that is native inference binaries, after and before the per-platform filter",
  async run(log) {
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const mb = (metric: string, bytes: number, extra: Partial<BenchRow> = {}) =>
      rows.push({ metric, value: bytes / MB, unit: "MB", ...extra });
    const pct = (metric: string, part: number, whole: number, extra: Partial<BenchRow> = {}) =>
      rows.push({ metric, value: (100 * part) / whole, unit: "%", ...extra });

    // ---- Linux x64: built and measured here ---------------------------------------------------
    const started = performance.now();
    const built = await buildUnpacked((text) => log(`build: ${text}`));
    log(
      `build: ${path.relative(built.root, built.appOutDir)} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    const resources = path.join(built.appOutDir, "resources");
    const unpackedModules = path.join(resources, "app.asar.unpacked", "node_modules");
    const installedModules = path.join(built.root, "node_modules");

    // Everything electron-builder puts outside resources/ comes from the runtime folder (here the
    // stand-in's executable, version and licences); the app is resources/ (app.asar, its unpacked
    // files, app-update.yml).
    const app = bytesUnder(resources);
    const standInFiles = bytesUnder(built.appOutDir) - app;
    const asar = bytesUnder(path.join(resources, "app.asar"));
    const prefix = keptPrefix(LINUX);
    const shipped = listDir(path.join(unpackedModules, SCOPE));
    const perBackend = shipped.map((pkg) => ({ pkg, bytes: bytesUnder(path.join(unpackedModules, SCOPE, pkg)) }));
    const bins = bytesUnder(path.join(unpackedModules, "node-llama-cpp", "bins"));
    const native = perBackend.reduce((s, b) => s + b.bytes, 0) + bins;
    const anvilPkg = anvilPackage(LINUX.platform, LINUX.arch);
    const anvil = bytesUnder(path.join(unpackedModules, anvilPkg));
    // The same for every platform: the JS in app.asar, node-llama-cpp's own JS and everything else
    // unpacked (anvil's wrapper package; any other module electron-builder unpacked).
    const common = app - native - anvil;
    const otherUnpacked = listDir(unpackedModules)
      .flatMap((n) => (n.startsWith("@") ? listDir(path.join(unpackedModules, n)).map((m) => `${n}/${m}`) : [n]))
      .filter((n) => n !== "node-llama-cpp" && !n.startsWith(`${SCOPE}/`) && !n.startsWith("@foundry-rs/"))
      .map((n) => ({ n, bytes: bytesUnder(path.join(unpackedModules, n)) }))
      .filter((o) => o.bytes > 0);

    // Before the filter: every installed @node-llama-cpp package went in (and was unpacked).
    const installed = listDir(path.join(installedModules, SCOPE)).map((pkg) => ({
      pkg,
      bytes: bytesUnder(path.join(installedModules, SCOPE, pkg)),
    }));
    const nativeBefore = installed.reduce((s, b) => s + b.bytes, 0) + bins;
    const appBefore = app - native + nativeBefore;
    const foreign = shipped.filter((pkg) => !pkg.startsWith(prefix));
    const dropped = installed.filter((b) => !shipped.includes(b.pkg));

    const L = LINUX.key;
    mb(`${L} unpacked app (excl. Electron runtime)`, app);
    mb(`${L} app.asar`, asar);
    mb(`${L} native inference binaries`, native);
    pct(`${L} native inference share`, native, app);
    for (const b of perBackend) mb(`${L} backend ${backendLabel(b.pkg, prefix)}`, b.bytes);
    mb(`${L} anvil (${anvilPkg})`, anvil);
    mb(`${L} platform-independent part (app.asar, JS, other unpacked)`, common);
    rows.push({
      metric: `${L} other platforms' backends shipped`,
      value: foreign.length,
      unit: "packages",
      goal: "0",
      pass: foreign.length === 0,
    });
    mb(`${L} unpacked app before the per-platform filter`, appBefore);
    mb(`${L} native inference before the per-platform filter`, nativeBefore);
    pct(`${L} native inference share before the filter`, nativeBefore, appBefore);
    pct(`${L} unpacked app saved by the filter`, appBefore - app, appBefore);
    log(
      `linux-x64: shipped ${shipped.join(", ")}; dropped by the filter: ${dropped.map((d) => `${d.pkg} ${(d.bytes / MB).toFixed(1)} MB`).join(", ") || "none"}`,
    );

    notes.push(
      `linux-x64 rows are measured: out/${path.basename(built.appOutDir)} built with electron-builder --dir from electron-builder.yml, as npm run package:check builds it; sizes are sums of file sizes (MB = 10^6 bytes), unpacked, before any installer compression`,
      `"excl. Electron runtime": the app is resources/ (app.asar, app.asar.unpacked, app-update.yml); the stand-in runtime's own files at the top of the folder (${standInFiles} bytes: executable, version, licences) are not counted`,
      "the real Electron 45 runtime is left out: npm's electron package carries only the downloader (the registry gives no size for it, and its checksums.json lists SHA-256 sums of the GitHub release zips, not sizes), and the release assets cannot be reached from here, so there is no reliable per-platform number to add",
      `native inference binaries = app.asar.unpacked/node_modules/${SCOPE}/* + node-llama-cpp/bins (${bins} bytes here); "before the per-platform filter" = the same app with every ${SCOPE} package installed in node_modules (${installed.map((b) => b.pkg).join(", ")}), which is what shipped before`,
      `on Linux npm installs only Linux backends (their os/cpu fields), so the filter drops ${dropped.map((d) => d.pkg).join(" and ") || "nothing"} here; most of the Linux payload is this platform's own CUDA builds`,
    );
    if (otherUnpacked.length > 0) {
      notes.push(
        `the platform-independent part includes other modules electron-builder unpacked (${otherUnpacked.map((o) => `${o.n} ${(o.bytes / MB).toFixed(1)} MB`).join(", ")}); for win32/darwin they are counted at their Linux size`,
      );
    }

    // ---- Windows x64 and macOS arm64: from the npm registry ---------------------------------------
    const llamaVersions =
      readJson<{ optionalDependencies?: Record<string, string> }>(
        path.join(installedModules, "node-llama-cpp", "package.json"),
      ).optionalDependencies ?? {};
    const anvilVersions =
      readJson<{ optionalDependencies?: Record<string, string> }>(
        path.join(installedModules, "@foundry-rs", "anvil", "package.json"),
      ).optionalDependencies ?? {};
    const llamaPackages = Object.keys(llamaVersions).filter((n) => n.startsWith(`${SCOPE}/`));
    const targets = [LINUX, ...ESTIMATED];
    const installedOn = (info: RegistryInfo, t: Target) => allows(info.os, t.platform) && allows(info.cpu, t.arch);
    const meta = new Map<string, RegistryInfo>();
    const sized = new Map<string, RegistryInfo>();
    const sizedVia = new Set<string>();
    try {
      // Fails fast where the registry cannot be reached (no retries).
      const llamaVersion = readJson<{ version: string }>(
        path.join(installedModules, "node-llama-cpp", "package.json"),
      ).version;
      await run(
        "npm",
        ["view", `node-llama-cpp@${llamaVersion}`, "version", "--fetch-retries=0", "--fetch-timeout=15000"],
        { cwd: built.root, timeout: 30_000 },
      );
      // os/cpu of every backend (what npm would install on each platform), sizes where they count.
      await mapLimit(llamaPackages, 6, async (name) =>
        meta.set(name, await registryInfo(built.root, `${name}@${llamaVersions[name]}`, false)),
      );
      const needed = new Set<string>();
      for (const t of targets) for (const name of llamaPackages) if (installedOn(meta.get(name)!, t)) needed.add(name);
      for (const t of ESTIMATED) needed.add(anvilPackage(t.platform, t.arch));
      log(`registry: sizes of ${needed.size} packages (npm view, else npm pack --dry-run through npm's cache)`);
      await mapLimit([...needed], 4, async (name) => {
        const version = llamaVersions[name] ?? anvilVersions[name];
        if (!version)
          throw new Error(`${name}: no pinned version in node-llama-cpp's or @foundry-rs/anvil's optionalDependencies`);
        const info = meta.get(name);
        const got =
          info && Number.isFinite(info.unpackedSize)
            ? info
            : await registryInfo(built.root, `${name}@${version}`, true);
        sized.set(name, got);
        sizedVia.add(got.via);
      });
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      notes.push(`npm registry lookups failed (${why}): the win32-x64 and darwin-arm64 estimates are skipped`);
      return { rows, notes };
    }
    const size = (name: string) => sized.get(name)!.unpackedSize;
    const scoped = (pkg: string) => `${SCOPE}/${pkg}`;

    // The estimator checked against the measurement: Linux's kept backends from the registry.
    const linuxEstimate = shipped.reduce((s, pkg) => s + (sized.has(scoped(pkg)) ? size(scoped(pkg)) : NaN), 0) + bins;
    if (Number.isFinite(linuxEstimate)) {
      mb(`${L} native inference${EST} (cross-check)`, linuxEstimate);
      pct(`${L} registry estimate vs measured native bytes`, linuxEstimate - native, native);
    }
    const predictedLinux = llamaPackages
      .filter((n) => installedOn(meta.get(n)!, LINUX))
      .map((n) => n.slice(SCOPE.length + 1));
    if (predictedLinux.join() !== installed.map((b) => b.pkg).join()) {
      notes.push(
        `npm's os/cpu rule predicts ${predictedLinux.join(", ")} on linux-x64, node_modules holds ${installed.map((b) => b.pkg).join(", ")}`,
      );
    }

    for (const t of ESTIMATED) {
      const tp = keptPrefix(t);
      const kept = llamaPackages.filter((n) => n.slice(SCOPE.length + 1).startsWith(tp));
      const npmInstalls = llamaPackages.filter((n) => installedOn(meta.get(n)!, t));
      const anvilName = anvilPackage(t.platform, t.arch);
      const nativeT = kept.reduce((s, n) => s + size(n), 0) + bins;
      const appT = common + nativeT + size(anvilName);
      const nativeBeforeT = npmInstalls.reduce((s, n) => s + size(n), 0) + bins;
      const appBeforeT = appT - nativeT + nativeBeforeT;
      mb(`${t.key} unpacked app (excl. Electron runtime)${EST}`, appT);
      mb(`${t.key} native inference binaries${EST}`, nativeT);
      pct(`${t.key} native inference share${EST}`, nativeT, appT);
      for (const n of kept) mb(`${t.key} backend ${backendLabel(n.slice(SCOPE.length + 1), tp)}${EST}`, size(n));
      mb(`${t.key} anvil (${anvilName})${EST}`, size(anvilName));
      mb(`${t.key} unpacked app before the per-platform filter${EST}`, appBeforeT);
      pct(`${t.key} unpacked app saved by the filter${EST}`, appBeforeT - appT, appBeforeT);
      log(
        `${t.key}: keeps ${kept.map((n) => n.slice(SCOPE.length + 1)).join(", ")}; npm installs ${npmInstalls.map((n) => n.slice(SCOPE.length + 1)).join(", ")}`,
      );
    }
    notes.push(
      `win32-x64 and darwin-arm64 rows are estimated: the platform-independent part measured on Linux (same app.asar and JS) + the npm registry's unpacked size of each ${SCOPE} package the filter keeps there and of that platform's anvil, at the versions node-llama-cpp and @foundry-rs/anvil pin (sizes via ${[...sizedVia].join(" and ")}); their "before" adds every ${SCOPE} package npm's os/cpu rule installs on that platform`,
      "the registry cross-check row shows how far the registry's package sizes are from the bytes measured in the Linux build",
    );
    return { rows, notes };
  },
};
