import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  anvilBinary,
  anvilPackage,
  detectLayout,
  resolveRuntimeFiles,
  runtimeFiles,
} from "../../src-main/runtime/runtime-files.js";

const root = process.cwd();

describe("runtime registry", () => {
  it("tells each layout apart by where the code was loaded from", () => {
    expect(detectLayout({ moduleDir: path.join(root, "src-main", "runtime") })).toEqual({
      layout: "source",
      appRoot: root,
    });
    expect(detectLayout({ moduleDir: path.join(root, "dist", "cli") })).toEqual({
      layout: "cli-bundle",
      appRoot: root,
    });
    expect(detectLayout({ moduleDir: path.join(root, "dist", "electron") })).toEqual({
      layout: "app-build",
      appRoot: root,
    });
    const res = path.join("/opt", "PoUW Miner", "resources");
    expect(detectLayout({ moduleDir: path.join(res, "app.asar", "dist", "peer"), resourcesPath: res })).toEqual({
      layout: "packaged",
      appRoot: path.join(res, "app.asar"),
    });
    // A folder merely named like a bundle folder elsewhere is not a bundle.
    expect(detectLayout({ moduleDir: path.join(root, "src-main", "electron") }).layout).toBe("source");
  });

  it("names every entry for the running checkout, and each exists", () => {
    const files = runtimeFiles();
    expect(files.layout).toBe("source");
    for (const f of [
      files.workerEntry,
      files.peerEntry,
      files.networkEntry,
      files.catalogue,
      files.packageJson,
      files.icon,
      ...files.trayImages,
    ]) {
      expect(existsSync(f), f).toBe(true);
    }
    expect(files.workerEntry).toBe(path.join(root, "src-worker", "main.ts"));
  });

  it("puts a packaged app's executables under app.asar.unpacked and its scripts in the archive", () => {
    const res = path.join(root, "test-results", "fake-resources");
    const files = resolveRuntimeFiles({
      moduleDir: path.join(res, "app.asar", "dist", "electron"),
      resourcesPath: res,
    });
    expect(files.workerEntry).toBe(path.join(res, "app.asar", "dist", "worker", "main.js"));
    expect(files.peerEntry).toBe(path.join(res, "app.asar", "dist", "peer", "main.js"));
    expect(files.rendererIndex).toBe(path.join(res, "app.asar", "dist", "renderer", "index.html"));
    expect(files.unpackedRoot).toBe(path.join(res, "app.asar.unpacked"));
    // Resolved from this checkout's node_modules by the same rule; the archive's prefix is swapped.
    const fromCheckout = anvilBinary({ appRoot: root, unpackedRoot: root });
    expect(existsSync(fromCheckout)).toBe(true);
    expect(anvilBinary({ appRoot: root, unpackedRoot: `${root}.unpacked` })).toBe(
      fromCheckout.replace(root, `${root}.unpacked`),
    );
  });

  it("names anvil's package for each platform, and fails in one line where it is missing", () => {
    expect(anvilPackage("linux", "x64")).toBe("@foundry-rs/anvil-linux-amd64");
    expect(anvilPackage("darwin", "arm64")).toBe("@foundry-rs/anvil-darwin-arm64");
    expect(() => anvilBinary({ appRoot: root, unpackedRoot: root }, "sunos", "x64")).toThrow(
      /anvil is not installed for sunos-x64 \(missing @foundry-rs\/anvil-sunos-amd64\)/,
    );
  });
});
