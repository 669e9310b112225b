import { pathToFileURL } from "node:url";
import { build } from "esbuild";

/**
 * Bundles a shell module as the app is bundled (dependencies external) with some modules — Electron's
 * own, electron-updater — replaced by source text the test writes, then imports the bundle. Importing
 * the real ones from plain Node would start Electron's download.
 */
export async function importWithFakes<T>(entry: string, outfile: string, fakes: Record<string, string>): Promise<T> {
  const names = Object.keys(fakes);
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|")})$`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    // As scripts/build-electron.ts: dependencies stay external (native binaries, node-llama-cpp).
    packages: "external",
    logLevel: "error",
    banner: {
      js: "import { createRequire as __pouwCreateRequire } from 'node:module'; const require = __pouwCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: "fakes",
        setup(b) {
          b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "fake" }));
          b.onLoad({ filter: /.*/, namespace: "fake" }, (args) => ({ contents: fakes[args.path] ?? "" }));
        },
      },
    ],
  });
  return (await import(pathToFileURL(outfile).href)) as T;
}
