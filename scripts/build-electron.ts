import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

/**
 * Bundles the Electron main process, the preload, the worker and the devnet peer entries into dist/. Runtime
 * dependencies stay external (they ship in node_modules and some carry native binaries); the preload
 * is fully bundled to CommonJS because a sandboxed preload can neither load ES modules nor require
 * anything beyond Electron's own modules.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  dependencies?: Record<string, string>;
};
const external = ["electron", ...Object.keys(pkg.dependencies ?? {}), "@node-llama-cpp/*", "@foundry-rs/*"];

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  sourcemap: true,
  logLevel: "warning",
  absWorkingDir: root,
};
// ESM bundles of code that (through a dependency) calls require() need one in scope.
const esmBanner = {
  js: "import { createRequire as __pouwCreateRequire } from 'node:module'; const require = __pouwCreateRequire(import.meta.url);",
};

// Every entry the runtime registry (src-main/runtime/runtime-files.ts) names for the app layouts.
const jobs: { name: string; options: BuildOptions }[] = [
  {
    name: "main",
    options: {
      ...common,
      entryPoints: ["src-main/electron/main.ts"],
      outfile: "dist/electron/main.js",
      format: "esm",
      external,
      banner: esmBanner,
    },
  },
  {
    name: "preload",
    options: {
      ...common,
      entryPoints: ["src-main/electron/preload.ts"],
      outfile: "dist/electron/preload.cjs",
      format: "cjs",
      external: ["electron"],
      minify: true,
    },
  },
  {
    name: "worker",
    options: {
      ...common,
      entryPoints: ["src-worker/main.ts"],
      outfile: "dist/worker/main.js",
      format: "esm",
      external,
      banner: esmBanner,
    },
  },
  {
    name: "peer",
    options: {
      ...common,
      entryPoints: ["src-network/peers/peer-main.ts"],
      outfile: "dist/peer/main.js",
      format: "esm",
      external,
      banner: esmBanner,
    },
  },
  {
    name: "network",
    options: {
      ...common,
      entryPoints: ["src-network/host/network-host-main.ts"],
      outfile: "dist/network/main.js",
      format: "esm",
      external,
      banner: esmBanner,
    },
  },
];

await Promise.all(
  jobs.map(async (job) => {
    const started = performance.now();
    await build(job.options);
    console.log(
      `build-electron: ${job.name} → ${String(job.options.outfile)} (${Math.round(performance.now() - started)} ms)`,
    );
  }),
);
