import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { extractFile } from "@electron/asar";
import { asarFiles } from "./verify-layout.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The packaged app laid out for plain Node, which cannot read inside an asar archive: the archive
 * becomes a folder of the same name (so every path the runtime registry computes is the packaged
 * one), its unpacked files are hard links to the build's app.asar.unpacked (no copies of ~700 MB),
 * app.asar.unpacked itself stays beside it, and node_modules/electron is the stand-in for Electron's
 * own API. Returns the resources folder and the extracted app root.
 */
export function extractLayout(appOutDir: string, into: string): { resources: string; appRoot: string } {
  const built = path.join(appOutDir, "resources");
  const archive = path.join(built, "app.asar");
  const resources = path.join(into, "resources");
  const appRoot = path.join(resources, "app.asar");
  rmSync(into, { recursive: true, force: true });
  mkdirSync(appRoot, { recursive: true });
  for (const [name, entry] of asarFiles(archive)) {
    const to = path.join(appRoot, ...name.split("/"));
    mkdirSync(path.dirname(to), { recursive: true });
    if (entry.unpacked) {
      const from = path.join(`${archive}.unpacked`, ...name.split("/"));
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
    } else {
      writeFileSync(to, extractFile(archive, name));
      if (entry.executable) chmodSync(to, 0o755);
    }
  }
  symlinkSync(path.resolve(`${archive}.unpacked`), path.join(resources, "app.asar.unpacked"), "dir");
  installStandIn(path.join(appRoot, "node_modules", "electron"));
  return { resources, appRoot };
}

function installStandIn(dir: string): void {
  if (existsSync(dir))
    throw new Error(`the packaged app ships node_modules/electron (${dir}); Electron's runtime provides that module`);
  mkdirSync(dir, { recursive: true });
  const source = path.join(here, "electron-stand-in.cjs");
  copyFileSync(source, path.join(dir, "impl.cjs"));
  const names = Object.keys(createRequire(import.meta.url)(source) as object);
  writeFileSync(
    path.join(dir, "index.mjs"),
    `import electron from "./impl.cjs";\nexport const { ${names.join(", ")} } = electron;\nexport default electron;\n`,
  );
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "electron",
      version: "0.0.0-stand-in",
      exports: { import: "./index.mjs", require: "./impl.cjs" },
      main: "impl.cjs",
    }),
  );
}
