import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appDataDir, modelsDir, packageRoot } from "../../src-main/paths.js";
import { findPackageRoot } from "../../src-main/runtime/runtime-files.js";

describe("paths", () => {
  it("finds the package root from source and from a bundle folder", async () => {
    expect(packageRoot).toBe(process.cwd());
    const tmp = await mkdtemp(path.join(os.tmpdir(), "pouw-paths-"));
    await writeFile(path.join(tmp, "package.json"), "{}");
    await mkdir(path.join(tmp, "dist", "electron"), { recursive: true });
    expect(findPackageRoot(path.join(tmp, "dist", "electron"))).toBe(tmp);
    await rm(tmp, { recursive: true, force: true });
  });

  it("lets environment variables place data and models", () => {
    expect(appDataDir({ POUW_DATA_DIR: "/tmp/x" })).toBe(path.resolve("/tmp/x"));
    expect(modelsDir({ POUW_MODELS_DIR: "/tmp/m" })).toBe(path.resolve("/tmp/m"));
    expect(modelsDir({})).toBe(path.join(packageRoot, "models"));
  });

  it("uses each platform's app-data folder", () => {
    expect(appDataDir({ APPDATA: "C:\\Users\\a\\AppData\\Roaming" }, "win32")).toContain("PoUW Miner");
    expect(appDataDir({}, "darwin")).toContain(path.join("Library", "Application Support", "PoUW Miner"));
    expect(appDataDir({ XDG_DATA_HOME: "/xdg" }, "linux")).toBe(path.join("/xdg", "pouw-miner"));
  });
});
