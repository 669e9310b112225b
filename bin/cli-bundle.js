// The CLI's TypeScript bundled into one ES module (dist/cli/), so a start does not pay for tsx
// compiling and resolving ~150 source files (a second or more on a busy machine). The bundle is
// rebuilt whenever a source it was built from changed (size or mtime), so a fresh clone or an edit
// never runs stale code; when it cannot be built (no esbuild, a read-only folder) the caller falls
// back to tsx. Dependencies stay external: they load from node_modules as they do under tsx.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "dist", "cli");
const manifestFile = path.join(outDir, "inputs.json");
// The runtime registry (src-main/runtime/runtime-files.ts) names these entries for the CLI layout.
const entries = {
  main: "src-main/cli/main.ts",
  "peer-main": "src-network/peers/peer-main.ts",
  "network-main": "src-network/host/network-host-main.ts",
  "worker-main": "src-worker/main.ts",
};

/** Size and mtime of each source: what makes a bundle stale. */
function stamp(file) {
  const s = statSync(path.join(root, file));
  return `${s.size}:${s.mtimeMs}`;
}

function isFresh() {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    if (!Object.keys(entries).every((name) => existsSync(path.join(outDir, `${name}.js`)))) return false;
    return Object.entries(manifest.inputs).every(([file, was]) => stamp(file) === was);
  } catch {
    return false;
  }
}

async function build() {
  const { build: esbuild } = await import("esbuild");
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: outDir,
    entryNames: `[name].${process.pid}.tmp`,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    // Bundled code that calls require() (through createRequire or otherwise) needs one in scope.
    banner: {
      js: "import { createRequire as __pouwCreateRequire } from 'node:module'; const require = __pouwCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: "silent",
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs))
    if (!file.includes("node_modules")) inputs[file] = stamp(file);
  // Several processes may build at once (tests start many): each writes its own files and renames
  // them into place, the manifest last, so a reader never sees a half-written bundle.
  for (const name of Object.keys(entries))
    renameSync(path.join(outDir, `${name}.${process.pid}.tmp.js`), path.join(outDir, `${name}.js`));
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ inputs }));
  renameSync(tmp, manifestFile);
}

/** The bundled CLI's path, built now if needed; undefined when only tsx can run it. */
export async function cliBundle() {
  if (process.env.POUW_CLI_TSX === "1") return undefined;
  if (isFresh()) return path.join(outDir, "main.js");
  try {
    mkdirSync(outDir, { recursive: true });
    await build();
    return path.join(outDir, "main.js");
  } catch {
    return undefined;
  }
}
