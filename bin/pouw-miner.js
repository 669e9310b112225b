#!/usr/bin/env node
// The CLI runs from a bundle of its TypeScript sources, rebuilt here whenever a source changed
// (bin/cli-bundle.js), so `npx pouw-miner` works right after `npm install` with no build step; when
// no bundle can be built it runs the sources through tsx's loader. The packaged Electron app
// bundles its own entry instead.
import { pathToFileURL } from "node:url";
import { cliBundle } from "./cli-bundle.js";

// Secrets handed in through the environment leave it before anything can start a child (esbuild
// bundling below, tsx's transformer): the CLI gets them directly (src-main/runtime/secret-env.ts,
// which keeps the same list) and no child process ever inherits them.
const SECRET_ENV_NAMES = ["POUW_WALLET_PASSWORD", "POUW_ROUTER_API_KEY"];
const secretEnv = {};
for (const name of SECRET_ENV_NAMES) {
  if (process.env[name] !== undefined) secretEnv[name] = process.env[name];
  delete process.env[name];
}

const bundle = await cliBundle();
let runCli;
if (bundle) {
  ({ runCli } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ runCli } = await import("../src-main/cli/main.ts"));
}
const controller = new AbortController();
let firstSignalAt = 0;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    // First signal: ask running work to stop cleanly. A second one, from a person pressing Ctrl-C
    // again, gives up waiting. Echoes within a second are ignored: conf's exit hook (when-exit)
    // re-raises the signal it received on this same process.
    const now = Date.now();
    if (firstSignalAt === 0) {
      firstSignalAt = now;
      controller.abort(new Error(`received ${sig}`));
    } else if (now - firstSignalAt > 1000) {
      process.exit(130);
    }
  });
}
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  secretEnv,
});
// Exit explicitly once output is flushed: libraries (the downloader's retry timers, for one) can
// keep the event loop alive after the command has finished and said so.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
