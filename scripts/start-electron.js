#!/usr/bin/env node
// `npm start`: makes sure Electron's runtime is there (it is downloaded at first launch, not at
// install), builds the renderer and the Electron bundles, then launches Electron on the repository.
// Without internet the download would retry for minutes: the download host is asked first, and
// an unreachable one is said within seconds, with the way to run the miner without Electron.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const PROBE_TIMEOUT_MS = Number(process.env.POUW_ELECTRON_PROBE_TIMEOUT_MS) || 15_000;

const electronDir = path.dirname(require.resolve("electron/package.json"));
const { version } = JSON.parse(fs.readFileSync(path.join(electronDir, "package.json"), "utf8"));

function installedBinary() {
  const pathFile = path.join(electronDir, "path.txt");
  if (!fs.existsSync(pathFile)) return undefined;
  const binary = path.join(electronDir, "dist", fs.readFileSync(pathFile, "utf8"));
  return fs.existsSync(binary) ? binary : undefined;
}

function fail(reason) {
  console.error(`start: Electron's runtime could not be fetched (${reason}).`);
  console.error("start: the desktop app downloads it once, at first launch, and needs internet access for that");
  console.error("start: (or ELECTRON_MIRROR pointing at a reachable mirror). The same miner runs without it:");
  console.error("start:   npm run headless -- --setup-in-browser");
  process.exit(1);
}

/** The URL @electron/get downloads from (ELECTRON_MIRROR replaces GitHub's releases). */
function downloadUrl() {
  const mirror = process.env.ELECTRON_MIRROR ?? "https://github.com/electron/electron/releases/download/";
  const base = mirror.endsWith("/") ? mirror : `${mirror}/`;
  return `${base}v${version}/electron-v${version}-${process.platform}-${process.arch}.zip`;
}

async function fetchRuntime() {
  const url = downloadUrl();
  console.error(`start: Electron ${version}'s runtime is not downloaded yet; asking ${new URL(url).host}…`);
  // AbortSignal.timeout's timer does not hold the process up; a dropped connection can leave fetch
  // with nothing else that does, so this one keeps the process alive until the probe settles.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`)),
    PROBE_TIMEOUT_MS,
  );
  try {
    const res = await fetch(url, { method: "HEAD", redirect: "follow", signal: controller.signal });
    if (!res.ok) fail(`${new URL(url).host} answered HTTP ${res.status}`);
  } catch (err) {
    const cause = controller.signal.aborted
      ? controller.signal.reason.message
      : (err?.cause?.code ?? err?.cause?.message ?? err?.message);
    fail(`${new URL(url).host}: ${cause}`);
  } finally {
    clearTimeout(timer);
  }
  console.error("start: downloading Electron's runtime (about 100 MB)…");
  const result = spawnSync(process.execPath, [path.join(electronDir, "install.js")], { stdio: "inherit" });
  if (result.status !== 0) fail(`the download failed (exit ${result.status ?? result.signal})`);
}

if (!installedBinary()) await fetchRuntime();
for (const script of ["build:renderer", "build:electron"]) {
  const result = spawnSync(npm, ["run", "--silent", script], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0) {
    console.error(`start: "npm run ${script}" failed (exit ${result.status ?? result.signal}); not launching Electron`);
    process.exit(1);
  }
}
const electronPath = installedBinary();
if (!electronPath) fail("it is still missing after the download");
const child = spawn(electronPath, [root], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
