import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { Arch, Platform, build } from "electron-builder";
import yaml from "js-yaml";
import { ensureDashboard } from "../../src-main/headless/dashboard-build.js";
import { runtimeFiles } from "../../src-main/runtime/runtime-files.js";
import { executableName, writeStandInRuntime } from "./stand-in-runtime.js";

/** A step of the build that failed in a way worth one line (not electron-builder's own errors). */
export class BuildStepError extends Error {}

export interface UnpackedBuild {
  /** The checkout the app was built from. */
  root: string;
  /** `out/<linux|win|mac>-unpacked`: electron-builder's `--dir` output for this platform. */
  appOutDir: string;
  /** The app's executable in it (the stand-in runtime's, renamed and fuse-flipped by electron-builder). */
  exe: string;
  /** The stand-in runtime folder electron-builder packed around the app (`electronDist`). */
  standIn: string;
  /** electron-builder.yml as loaded. */
  config: Record<string, unknown>;
  /** The Electron version in node_modules, which the stand-in stands in for. */
  electronVersion: string;
}

/**
 * The unpacked app for this platform, built the way `npm run package:check` checks it and
 * `npm run bench -- package` measures it: the renderer and the app's bundles, then electron-builder
 * `--dir` from the real electron-builder.yml with Electron's runtime replaced by the stand-in
 * folder (it cannot be downloaded here). Any previous `out/<platform>-unpacked` is removed first.
 */
export async function buildUnpacked(log: (text: string) => void = () => {}): Promise<UnpackedBuild> {
  const root = runtimeFiles().appRoot;
  const out = path.join(root, "out");
  const key = Platform.current().buildConfigurationKey;
  const appOutDir = path.join(out, `${key}-unpacked`);

  log("building the renderer and the app's bundles");
  await ensureDashboard(runtimeFiles());
  const bundles = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-electron.ts"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (bundles.status !== 0) throw new BuildStepError("npm run build:electron failed");

  const config = yaml.load(readFileSync(path.join(root, "electron-builder.yml"), "utf8")) as Record<string, unknown>;
  const electronVersion = readJson<{ version: string }>(
    path.join(root, "node_modules", "electron", "package.json"),
  ).version;
  const standIn = path.join(out, "stand-in-electron");
  writeStandInRuntime(standIn, electronVersion);
  log(`electron-builder --dir (${key} ${process.arch}, stand-in for Electron ${electronVersion})`);
  rmSync(appOutDir, { recursive: true, force: true });
  await build({
    projectDir: root,
    targets: Platform.current().createTarget("dir", Arch[process.arch as keyof typeof Arch]),
    publish: "never",
    config: { ...config, electronDist: standIn, electronVersion },
  });

  // electron-builder names the Linux and Windows executable after package.json's name.
  const pkgName = readJson<{ name: string }>(path.join(root, "package.json")).name;
  const exe = path.join(appOutDir, executableName(process.platform).replace("electron", pkgName));
  return { root, appOutDir, exe, standIn, config, electronVersion };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}
