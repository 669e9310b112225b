import { defineConfig } from "vitest/config";

// Test tiers (DEVELOPERS.md §10): each tier is a vitest project so `npm test` can run them in order
// and a developer can run one alone (`npm run test:unit`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Svelte component tests need the Svelte plugin and jsdom: the renderer project runs them.
          exclude: ["test/unit/renderer-app*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      "./src-renderer/vitest.config.ts",
      {
        test: {
          name: "model",
          include: ["test/model/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "chain",
          include: ["test/chain/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/global-setup.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
