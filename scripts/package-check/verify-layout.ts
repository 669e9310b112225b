import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { extractFile, getRawHeader } from "@electron/asar";
import { FuseV1Options, getCurrentFuseWire } from "@electron/fuses";
import { anvilPackage, resolveRuntimeFiles } from "../../src-main/runtime/runtime-files.js";

/**
 * What an unpacked build must hold, read from the build itself: every path of the runtime registry
 * in app.asar (or on disk where it runs natively), nothing executable or native left inside the
 * archive, only this platform's inference backends, and the fuses as configured. Each problem is
 * one line naming the path.
 */
export interface AsarEntry {
  size?: number;
  unpacked?: boolean;
  executable?: boolean;
  files?: Record<string, AsarEntry>;
}

export function asarFiles(archive: string): Map<string, AsarEntry> {
  const out = new Map<string, AsarEntry>();
  const walk = (node: AsarEntry, at: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const rel = at ? `${at}/${name}` : name;
      if (child.files) walk(child, rel);
      else out.set(rel, child);
    }
  };
  walk(getRawHeader(archive).header as AsarEntry, "");
  return out;
}

const NATIVE = /\.(node|so(\.\d+)*|dll|dylib|exe)$/;
// ELF, PE, Mach-O (both byte orders) and universal binaries.
const BINARY_MAGIC = ["7f454c46", "4d5a", "cffaedfe", "feedfacf", "cafebabe"];

/** Whether a file in the archive is machine code (a script with its executable bit is not: nothing runs it). */
function isMachineCode(archive: string, name: string, entry: AsarEntry): boolean {
  if (NATIVE.test(name)) return true;
  if (!entry.executable) return false;
  const head = (entry.unpacked ? Buffer.alloc(0) : extractFile(archive, name)).subarray(0, 4).toString("hex");
  return entry.unpacked || BINARY_MAGIC.some((m) => head.startsWith(m));
}

/** The inference backends each installer must carry (node-llama-cpp's prebuilt packages). */
export const BACKENDS: Record<string, { os: string; arch: string; packages: string[] }> = {
  "linux-x64": {
    os: "linux",
    arch: "x64",
    packages: ["linux-x64", "linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"],
  },
  "win32-x64": { os: "win", arch: "x64", packages: ["win-x64", "win-x64-cuda", "win-x64-cuda-ext", "win-x64-vulkan"] },
  "darwin-arm64": { os: "mac", arch: "arm64", packages: ["mac-arm64-metal"] },
};

export function verifyLayout(
  appOutDir: string,
  exe: string,
  platform = process.platform,
  arch = process.arch,
): string[] {
  const problems: string[] = [];
  const resources = path.join(appOutDir, "resources");
  const archive = path.join(resources, "app.asar");
  if (!existsSync(archive)) return [`missing: ${archive}`];
  const unpackedDir = `${archive}.unpacked`;
  const entries = asarFiles(archive);
  const files = resolveRuntimeFiles({ moduleDir: path.join(archive, "dist", "electron"), resourcesPath: resources });
  const rel = (p: string) => path.relative(files.appRoot, p).split(path.sep).join("/");

  for (const p of [
    files.workerEntry,
    files.peerEntry,
    files.networkEntry,
    files.preload,
    files.rendererIndex,
    files.catalogue,
    files.packageJson,
    files.icon,
    ...files.trayImages,
  ]) {
    if (!entries.has(rel(p))) problems.push(`missing in app.asar: ${rel(p)} (${p})`);
  }
  const anvil = `node_modules/${anvilPackage(platform, arch)}/bin/${platform === "win32" ? "anvil.exe" : "anvil"}`;
  if (!existsSync(path.join(unpackedDir, anvil))) problems.push(`missing on disk: app.asar.unpacked/${anvil}`);
  else if (platform !== "win32" && (statSync(path.join(unpackedDir, anvil)).mode & 0o111) === 0)
    problems.push(`not executable: app.asar.unpacked/${anvil}`);

  for (const [name, e] of entries) {
    if (!isMachineCode(archive, name, e)) continue;
    if (!e.unpacked) problems.push(`executed or loaded natively but inside app.asar: ${name}`);
    else if (!existsSync(path.join(unpackedDir, name)))
      problems.push(`marked unpacked but missing on disk: app.asar.unpacked/${name}`);
  }

  const backends = BACKENDS[`${platform}-${arch}`];
  const llamaDir = path.join(unpackedDir, "node_modules", "@node-llama-cpp");
  const shipped = existsSync(llamaDir) ? readdirSync(llamaDir) : [];
  for (const pkg of backends?.packages ?? []) {
    const dir = path.join(llamaDir, pkg);
    const hasNative = existsSync(dir) && listFiles(dir).some((f) => NATIVE.test(f));
    if (!hasNative)
      problems.push(
        `missing inference backend: app.asar.unpacked/node_modules/@node-llama-cpp/${pkg} (no native library)`,
      );
  }
  for (const pkg of shipped) {
    if (backends && !pkg.startsWith(`${backends.os}-${backends.arch}`))
      problems.push(`another platform's backend shipped: app.asar.unpacked/node_modules/@node-llama-cpp/${pkg}`);
  }
  if (!existsSync(exe)) problems.push(`missing: the app's executable ${exe}`);
  return problems;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

/** electron-builder.yml's electronFuses, read back from the built executable: one line per fuse that differs. */
export async function verifyFuses(exe: string, wanted: Record<string, boolean>): Promise<string[]> {
  const wire = await getCurrentFuseWire(exe);
  const problems: string[] = [];
  for (const [key, on] of Object.entries(wanted)) {
    const option = FuseV1Options[(key[0]!.toUpperCase() + key.slice(1)) as keyof typeof FuseV1Options];
    if (option === undefined) {
      problems.push(`electronFuses.${key}: not a fuse @electron/fuses knows`);
      continue;
    }
    const state = wire[option as FuseV1Options];
    const isOn = state === 49; // '1'
    if (isOn !== on) problems.push(`fuse ${key} is ${isOn ? "on" : "off"} in ${exe}, configured ${on ? "on" : "off"}`);
  }
  return problems;
}
