#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx's loader, so `npx pouw-miner` works right after
// `npm install` with no build step. The packaged Electron app bundles its own entry instead.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src-main/cli/main.ts");
const controller = new AbortController();
let signals = 0;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    // First signal: ask running work to stop cleanly. Second: give up waiting.
    if (++signals > 1) process.exit(130);
    controller.abort(new Error(`received ${sig}`));
  });
}
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
// Exit explicitly once output is flushed: libraries (the downloader's retry timers, for one) can
// keep the event loop alive after the command has finished and said so.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
