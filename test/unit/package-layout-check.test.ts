import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPackageWithOptions } from "@electron/asar";
import { flipFuses, FuseV1Options, FuseVersion } from "@electron/fuses";
import { afterEach, describe, expect, it } from "vitest";
import { writeStandInRuntime } from "../../scripts/package-check/stand-in-runtime.js";
import { verifyFuses, verifyLayout } from "../../scripts/package-check/verify-layout.js";
import { TRAY_STATES } from "../../src-main/runtime/runtime-files.js";

// The package check's rules on a small built app made here: each rule is shown to pass on a
// complete layout and to fire, naming the path, when its file is missing or misplaced.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const APP_FILES = [
  "package.json",
  "dist/electron/main.js",
  "dist/electron/preload.cjs",
  "dist/worker/main.js",
  "dist/peer/main.js",
  "dist/network/main.js",
  "dist/renderer/index.html",
  "models/catalogue.json",
  "resources/icon.png",
  ...TRAY_STATES.flatMap((s) => [`resources/tray-${s}.png`, `resources/tray-${s}@2x.png`]),
  "node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node",
  "node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/llama-addon.node",
  "node_modules/@node-llama-cpp/linux-x64-cuda-ext/bins/linux-x64-cuda/fallback/libggml-cuda.so",
  "node_modules/@node-llama-cpp/linux-x64-vulkan/bins/linux-x64-vulkan/llama-addon.node",
  "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
];

async function builtApp(
  opts: { leave?: string[]; unpack?: string; extra?: Record<string, string> } = {},
): Promise<string> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "pouw-pkg-"));
  dirs.push(tmp);
  const src = path.join(tmp, "app");
  for (const f of [...APP_FILES.filter((f) => !opts.leave?.includes(f)), ...Object.keys(opts.extra ?? {})]) {
    mkdirSync(path.dirname(path.join(src, f)), { recursive: true });
    writeFileSync(path.join(src, f), opts.extra?.[f] ?? "x");
  }
  chmodSync(path.join(src, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"), 0o755);
  const out = path.join(tmp, "linux-unpacked");
  mkdirSync(path.join(out, "resources"), { recursive: true });
  await createPackageWithOptions(src, path.join(out, "resources", "app.asar"), {
    unpack: opts.unpack ?? "{**/*.node,**/*.so,**/anvil}",
  });
  return out;
}

describe("package check: the built layout", () => {
  it("passes a complete build and fires for a missing registry entry", async () => {
    const ok = await builtApp();
    expect(verifyLayout(ok, path.join(ok, "resources", "app.asar"), "linux", "x64")).toEqual([]);
    const broken = await builtApp({ leave: ["dist/peer/main.js"] });
    expect(verifyLayout(broken, path.join(broken, "resources", "app.asar"), "linux", "x64")).toEqual([
      expect.stringMatching(/^missing in app\.asar: dist\/peer\/main\.js /),
    ]);
  });

  it("fires for native code left in the archive, a missing backend and another platform's backend", async () => {
    const out = await builtApp({
      unpack: "**/anvil",
      extra: { "node_modules/@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node": "x" },
    });
    const problems = verifyLayout(out, path.join(out, "resources", "app.asar"), "linux", "x64");
    expect(problems).toContain(
      "executed or loaded natively but inside app.asar: node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node",
    );
    expect(problems).toContain(
      "missing inference backend: app.asar.unpacked/node_modules/@node-llama-cpp/linux-x64 (no native library)",
    );
    const withForeign = await builtApp({
      extra: { "node_modules/@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node": "x" },
    });
    expect(verifyLayout(withForeign, path.join(withForeign, "resources", "app.asar"), "linux", "x64")).toEqual([
      "another platform's backend shipped: app.asar.unpacked/node_modules/@node-llama-cpp/linux-arm64",
    ]);
  });

  it("reads the fuses back from the executable and names each one that differs from the configuration", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "pouw-fuse-"));
    dirs.push(tmp);
    const exe = writeStandInRuntime(path.join(tmp, "electron-dist"), "45.5.0", "linux");
    const wanted = { runAsNode: false, enableNodeOptionsEnvironmentVariable: false, onlyLoadAppFromAsar: true };
    // Electron's defaults: RunAsNode and NODE_OPTIONS on, only-from-asar off.
    expect(await verifyFuses(exe, wanted)).toEqual([
      `fuse runAsNode is on in ${exe}, configured off`,
      `fuse enableNodeOptionsEnvironmentVariable is on in ${exe}, configured off`,
      `fuse onlyLoadAppFromAsar is off in ${exe}, configured on`,
    ]);
    await flipFuses(exe, {
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
    expect(await verifyFuses(exe, wanted)).toEqual([]);
    expect(await verifyFuses(exe, { runAsNod: false })).toEqual([
      "electronFuses.runAsNod: not a fuse @electron/fuses knows",
    ]);
  });
});
