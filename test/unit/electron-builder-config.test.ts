import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// js-yaml and app-builder-lib come with electron-builder (not direct dependencies), so they are
// loaded through require with the narrow types this test uses.
const require = createRequire(import.meta.url);
const yaml = require("js-yaml") as { load(text: string): unknown };

interface Target {
  target: string;
  arch: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asarUnpack: string[];
  win: { target: Target[]; icon: string };
  mac: { target: Target[]; category: string; hardenedRuntime: boolean; icon: string };
  linux: { target: Target[]; category: string; maintainer: string; icon: string };
}

const config = yaml.load(fs.readFileSync(path.resolve("electron-builder.yml"), "utf8")) as BuilderConfig;

function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(path.resolve(file));
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("electron-builder.yml", () => {
  it("names the app and its folders", () => {
    expect(config.appId).toBe("network.pouw.miner");
    expect(config.productName).toBe("PoUW Miner");
    expect(config.directories).toEqual({ output: "out", buildResources: "resources" });
  });

  it("builds NSIS x64, DMG arm64, AppImage and deb x64", () => {
    expect(config.win.target).toEqual([{ target: "nsis", arch: ["x64"] }]);
    expect(config.mac.target).toEqual([
      { target: "dmg", arch: ["arm64"] },
      { target: "zip", arch: ["arm64"] },
    ]);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.category).toMatch(/^public\.app-category\./);
    expect(config.linux.target).toEqual([
      { target: "AppImage", arch: ["x64"] },
      { target: "deb", arch: ["x64"] },
    ]);
    expect(config.linux.category).toBe("Utility");
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
  });

  it("ships the build, the catalogue and the runtime icons, and unpacks native code", () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        "dist/electron/**",
        "dist/worker/**",
        "dist/peer/**",
        "dist/network/**",
        "dist/renderer/**",
        "package.json",
        "models/catalogue.json",
        "models/README.md",
        "resources/tray-*.png",
      ]),
    );
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        "node_modules/node-llama-cpp/**",
        "node_modules/@node-llama-cpp/**",
        "node_modules/@foundry-rs/**",
      ]),
    );
  });

  it("points at real PNG icons of the right sizes", () => {
    for (const icon of [config.win.icon, config.mac.icon, config.linux.icon])
      expect(pngSize(icon)).toEqual({ width: 512, height: 512 });
    for (const state of ["idle", "mining", "paused", "error"]) {
      expect(pngSize(`resources/tray-${state}.png`)).toEqual({ width: 16, height: 16 });
      expect(pngSize(`resources/tray-${state}@2x.png`)).toEqual({ width: 32, height: 32 });
    }
  });

  it("passes electron-builder's own schema", { timeout: 60_000 }, async () => {
    const builder = require("app-builder-lib/out/util/config/config.js") as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require("builder-util") as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(builder.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const broken = { ...config, linux: { ...config.linux, notAnOption: true } };
    await expect(builder.validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration/,
    );
  });
});
