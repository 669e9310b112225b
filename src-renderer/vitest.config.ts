import path from "node:path";
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineProject } from "vitest/config";

/**
 * Component tests of the renderer (test/unit/renderer-app*.test.ts): compiled by the Svelte plugin and
 * resolved with the "browser" condition so `svelte` is its client build, in jsdom. Kept apart from the
 * node-only unit project because the browser condition would also pick browser builds of Node
 * packages (ws, for one, throws in a browser build).
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export default defineProject({
  root: repoRoot,
  plugins: [svelte(), svelteTesting()],
  resolve: { conditions: ["browser"] },
  test: {
    name: "renderer",
    // When listed in the root config's projects, vitest looks for tests from this file's folder.
    dir: repoRoot,
    include: ["test/unit/renderer-app*.test.ts"],
    environment: "jsdom",
    testTimeout: 20_000,
  },
});
