import path from "node:path";
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig, type Plugin } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * index.html carries the packaged app's strict CSP as a <meta> (the only CSP a file:// page gets).
 * The dev server needs inline styles for hot reload, so while serving that <meta> is dropped and the
 * policy comes from the response header Electron's main process adds (src-main/electron/csp.ts).
 */
function devCspPlugin(): Plugin {
  return {
    name: "pouw-dev-csp",
    apply: "serve",
    transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ""),
  };
}

export default defineConfig({
  root: here,
  // Relative asset URLs so dist/renderer/index.html works when loaded from file://.
  base: "./",
  plugins: [svelte(), devCspPlugin()],
  build: {
    outDir: path.resolve(here, "../dist/renderer"),
    emptyOutDir: true,
    // Electron 45 ships Chromium 140.
    target: "chrome140",
    // The preload polyfill would be an inline script, which the CSP forbids; Chromium needs none.
    modulePreload: { polyfill: false },
  },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
});
