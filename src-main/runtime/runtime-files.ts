import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PouwError } from "../../src-shared/errors.js";

/**
 * The one registry of process entry points and runtime files. The same code runs in four layouts,
 * told apart by where this module itself was loaded from:
 * - `source`: TypeScript from a checkout (tests, tsx); child entries are .ts run with tsx's loader.
 * - `cli-bundle`: the CLI's esbuild bundle in dist/cli (bin/cli-bundle.js), entries beside it.
 * - `app-build`: the Electron bundles in dist/electron, dist/worker, dist/peer of a checkout (npm start).
 * - `packaged`: the same bundles inside `<resources>/app.asar` of an installed app. What is executed
 *   (anvil) or loaded natively lives under `app.asar.unpacked`; the rest is read through the archive.
 * Nothing else in the code computes these paths.
 */
export type RuntimeLayout = "source" | "cli-bundle" | "app-build" | "packaged";

export interface RuntimeFiles {
  readonly layout: RuntimeLayout;
  /** The folder holding package.json: the checkout, or `<resources>/app.asar` when packaged. */
  readonly appRoot: string;
  /** Where files that must be real on disk live: `app.asar.unpacked` when packaged, else appRoot. */
  readonly unpackedRoot: string;
  /** The inference worker's entry (src-worker/main). */
  readonly workerEntry: string;
  /** A devnet peer miner's entry (src-network/peers/peer-main). */
  readonly peerEntry: string;
  /** The network host's entry: the embedded devnet and its services in a process of their own (src-network/host). */
  readonly networkEntry: string;
  /** The Electron preload (bundled CommonJS). */
  readonly preload: string;
  /** The built dashboard (folder holding index.html). */
  readonly rendererDir: string;
  readonly rendererIndex: string;
  readonly catalogue: string;
  readonly packageJson: string;
  readonly icon: string;
  /** Tray images by state, each with its @2x sibling beside it. */
  readonly trayImages: readonly string[];
  readonly resourcesDir: string;
}

export const TRAY_STATES = ["idle", "mining", "paused", "error"] as const;

const BUNDLE_DIRS: Record<string, RuntimeLayout> = {
  cli: "cli-bundle",
  electron: "app-build",
  worker: "app-build",
  peer: "app-build",
  network: "app-build",
};

export interface ResolveOptions {
  /** The folder of the running module (a bundle's folder, or src-main/runtime from source). */
  moduleDir: string;
  /** Electron's process.resourcesPath when running inside a packaged app. */
  resourcesPath?: string | undefined;
}

/** Which layout a module loaded from `moduleDir` runs in, and the app root of that layout. */
export function detectLayout(opts: ResolveOptions): { layout: RuntimeLayout; appRoot: string } {
  const dir = path.resolve(opts.moduleDir);
  const asarAt = dir.split(path.sep).lastIndexOf("app.asar");
  if (asarAt > 0)
    return {
      layout: "packaged",
      appRoot: dir
        .split(path.sep)
        .slice(0, asarAt + 1)
        .join(path.sep),
    };
  if (opts.resourcesPath && dir.startsWith(path.join(opts.resourcesPath, "app") + path.sep)) {
    // An unpacked `resources/app` folder (asar: false builds): same layout, nothing to unpack.
    return { layout: "packaged", appRoot: path.join(opts.resourcesPath, "app") };
  }
  const bundle = BUNDLE_DIRS[path.basename(dir)];
  if (bundle && path.basename(path.dirname(dir)) === "dist")
    return { layout: bundle, appRoot: path.dirname(path.dirname(dir)) };
  return { layout: "source", appRoot: findPackageRoot(dir) };
}

/** The nearest folder at or above `start` holding package.json. */
export function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

export function resolveRuntimeFiles(opts: ResolveOptions): RuntimeFiles {
  const { layout, appRoot } = detectLayout(opts);
  const unpackedRoot = path.basename(appRoot) === "app.asar" ? `${appRoot}.unpacked` : appRoot;
  const at = (...parts: string[]) => path.join(appRoot, ...parts);
  const entries: Record<RuntimeLayout, { worker: string; peer: string; network: string }> = {
    source: {
      worker: at("src-worker", "main.ts"),
      peer: at("src-network", "peers", "peer-main.ts"),
      network: at("src-network", "host", "network-host-main.ts"),
    },
    "cli-bundle": {
      worker: at("dist", "cli", "worker-main.js"),
      peer: at("dist", "cli", "peer-main.js"),
      network: at("dist", "cli", "network-main.js"),
    },
    "app-build": {
      worker: at("dist", "worker", "main.js"),
      peer: at("dist", "peer", "main.js"),
      network: at("dist", "network", "main.js"),
    },
    packaged: {
      worker: at("dist", "worker", "main.js"),
      peer: at("dist", "peer", "main.js"),
      network: at("dist", "network", "main.js"),
    },
  };
  const resourcesDir = at("resources");
  return {
    layout,
    appRoot,
    unpackedRoot,
    workerEntry: entries[layout].worker,
    peerEntry: entries[layout].peer,
    networkEntry: entries[layout].network,
    preload: at("dist", "electron", "preload.cjs"),
    rendererDir: at("dist", "renderer"),
    rendererIndex: at("dist", "renderer", "index.html"),
    catalogue: at("models", "catalogue.json"),
    packageJson: at("package.json"),
    icon: path.join(resourcesDir, "icon.png"),
    trayImages: TRAY_STATES.flatMap((s) => [
      path.join(resourcesDir, `tray-${s}.png`),
      path.join(resourcesDir, `tray-${s}@2x.png`),
    ]),
    resourcesDir,
  };
}

/** The npm package holding anvil for a platform (Go's "amd64" for Node's "x64"). */
export function anvilPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `@foundry-rs/anvil-${platform}-${arch === "x64" ? "amd64" : arch}`;
}

/**
 * The anvil binary: resolved as a dependency of the app, then moved out of the archive when
 * packaged, since a binary inside app.asar cannot be executed.
 */
export function anvilBinary(
  files: Pick<RuntimeFiles, "appRoot" | "unpackedRoot">,
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  const pkg = anvilPackage(platform, arch);
  let pkgJson: string;
  try {
    pkgJson = createRequire(path.join(files.appRoot, "package.json")).resolve(`${pkg}/package.json`);
  } catch {
    throw new PouwError("CHAIN_ERROR", `anvil is not installed for ${platform}-${arch} (missing ${pkg})`);
  }
  const bin = path.join(path.dirname(pkgJson), "bin", platform === "win32" ? "anvil.exe" : "anvil");
  return files.unpackedRoot === files.appRoot
    ? bin
    : bin.replace(files.appRoot + path.sep, files.unpackedRoot + path.sep);
}

/** Node arguments that run an entry: TypeScript sources go through tsx's loader. */
export function entryExecArgv(entry: string): string[] {
  return entry.endsWith(".ts") ? ["--import", "tsx"] : [];
}

let cached: RuntimeFiles | undefined;

/** This process's runtime files, resolved once. */
export function runtimeFiles(): RuntimeFiles {
  cached ??= resolveRuntimeFiles({
    moduleDir: path.dirname(fileURLToPath(import.meta.url)),
    resourcesPath: (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath,
  });
  return cached;
}
