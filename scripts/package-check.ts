import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { ipcChannels } from "../src-shared/app-contract.js";
import { runtimeFiles } from "../src-main/runtime/runtime-files.js";
import { serveTinyCatalogue } from "../test/helpers/test-catalogue.js";
import { BuildStepError, buildUnpacked, type UnpackedBuild } from "./package-check/build-unpacked.js";
import { extractLayout } from "./package-check/extract-layout.js";
import { verifyFuses, verifyLayout } from "./package-check/verify-layout.js";

/**
 * `npm run package:check`: builds the unpacked app for this platform with electron-builder (`--dir`,
 * Electron's runtime replaced by a stand-in folder since it cannot be downloaded here), verifies the
 * build against the runtime registry, the native-code rule and the configured fuses, then runs the
 * packaged main process's session under plain Node from the extracted layout until the worker has
 * answered `probe` and the embedded devnet has brought a task of this miner's to End. Every problem
 * is one line naming the path; exit 1 if there is any.
 */
const root = runtimeFiles().appRoot;
const out = path.join(root, "out");
const started = performance.now();
const line = (text: string) =>
  console.log(`package:check ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${text}`);
const problems: string[] = [];

function stopWith(list: string[]): never {
  for (const p of list) console.error(`package:check: ${p}`);
  process.exit(1);
}

let built: UnpackedBuild;
try {
  built = await buildUnpacked(line);
} catch (err) {
  if (err instanceof BuildStepError) stopWith([err.message]);
  throw err;
}
const { appOutDir, exe, config } = built;
problems.push(...verifyLayout(appOutDir, exe));
problems.push(...(await verifyFuses(exe, (config.electronFuses ?? {}) as Record<string, boolean>)));
if (problems.length > 0) stopWith(problems);
line(
  "layout: every registry path in app.asar, anvil and this platform's backends unpacked, nothing native in the archive, fuses as configured",
);

const extracted = extractLayout(appOutDir, path.join(out, "package-check"));
line(`extracted for plain Node: ${path.relative(root, extracted.appRoot)}`);

const work = path.join(out, "package-check-data");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const catalogue = await serveTinyCatalogue(work);
const env = {
  ...process.env,
  POUW_PACKAGED_APP: extracted.appRoot,
  POUW_IPC_CHANNELS: JSON.stringify(ipcChannels.invoke),
  POUW_DATA_DIR: path.join(work, "data"),
  // A packaged app on Linux writes its autostart entry here: never into this machine's own.
  XDG_CONFIG_HOME: path.join(work, "xdg-config"),
  POUW_CATALOGUE: catalogue.cataloguePath,
  POUW_MODELS_DIR: path.join(work, "models"),
  POUW_PACKAGE_CHECK_MODEL_ID: catalogue.id,
};
const session = spawn(process.execPath, [path.join(root, "scripts", "package-check", "run-packaged-session.mjs")], {
  env,
  stdio: ["ignore", "pipe", "pipe"],
});
let lastError = "";
let ended = false;
session.stderr.on("data", (d: Buffer) => (lastError = d.toString().trim().split("\n").at(-1) ?? lastError));
for await (const text of createInterface({ input: session.stdout })) {
  let step: { step?: string; error?: string; atMs?: number } = {};
  try {
    step = JSON.parse(text) as typeof step;
  } catch {
    continue;
  }
  if (step.error) problems.push(`the packaged session: ${step.error}`);
  else if (step.step) {
    if (step.step === "task at End") ended = true;
    line(`session: ${step.step} ${JSON.stringify({ ...step, step: undefined, atMs: undefined })}`);
  }
}
const code = await new Promise<number | null>((resolve) =>
  session.exitCode !== null ? resolve(session.exitCode) : session.once("exit", resolve),
);
await catalogue.close();
if (!ended && problems.length === 0)
  problems.push(
    `the packaged session ended (exit ${code}) before a task reached End${lastError ? `: ${lastError}` : ""}`,
  );
if (problems.length > 0) stopWith(problems);
line("ok: the packaged main process mined a task to End under plain Node");
