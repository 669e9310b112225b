#!/usr/bin/env node
// Builds the renderer and the Electron bundles, then launches Electron on the repository.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

for (const script of ["build:renderer", "build:electron"]) {
  const result = spawnSync(npm, ["run", "--silent", script], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) {
    console.error(`start: "npm run ${script}" failed (exit ${result.status ?? result.signal}); not launching Electron`);
    process.exit(1);
  }
}

// Requiring "electron" downloads its binary when missing; check first so the message can say so.
const electronDir = path.dirname(require.resolve("electron/package.json"));
const pathFile = path.join(electronDir, "path.txt");
const installed = fs.existsSync(pathFile) && fs.existsSync(path.join(electronDir, "dist", fs.readFileSync(pathFile, "utf8")));
if (!installed) {
  console.error(
    "Electron's binary is downloaded at first launch and is not there yet: downloading it now (needs internet; " +
      "set ELECTRON_MIRROR to use a mirror, or run `npx install-electron` yourself).",
  );
}
let electronPath;
try {
  electronPath = require("electron");
} catch (err) {
  console.error(`start: Electron's binary could not be installed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  console.error("start: the headless miner works without it: npm run headless");
  process.exit(1);
}

const child = spawn(electronPath, [root], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
