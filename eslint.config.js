import js from "@eslint/js";
import tseslint from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";

/**
 * Process boundaries (DEVELOPERS.md; issue #2): only src-shared is shared. The renderer runs in a
 * sandboxed page and the worker in a child process, so an import across a boundary would either
 * not work at run time or smuggle privileges into the wrong process. Importing electron from plain
 * Node starts a binary download, so only the shell (src-main/electron) may do it.
 */
const restrict = (folders, why) => ({
  "no-restricted-imports": [
    "error",
    {
      paths: [
        { name: "electron", message: "Only src-main/electron/ may import electron.", allowTypeImports: true },
        { name: "electron-store", message: "Use src-main/settings (conf), which runs without Electron." },
      ],
      patterns: folders.map((folder) => ({
        regex: `(^|/)${folder}(/|$)`,
        message: `${why} Only src-shared is shared between processes.`,
      })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "out/**",
      "test-results/**",
      "bench/results/**",
      "src-main/chain/generated/**",
      "src-renderer/.svelte-kit/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs["flat/recommended"],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: "latest", sourceType: "module" },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"] } },
  },
  {
    files: ["src-main/**", "test/**", "bench/**", "scripts/**"],
    ignores: ["src-main/electron/**"],
    rules: restrict([], ""),
  },
  {
    files: ["src-renderer/**"],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(["src-main", "src-worker"], "The renderer must not import main-process or worker code."),
  },
  {
    files: ["src-worker/**"],
    rules: restrict(["src-main", "src-renderer"], "The worker must not import main-process or renderer code."),
  },
  {
    files: ["src-shared/**"],
    rules: restrict(["src-main", "src-worker", "src-renderer"], "src-shared must not depend on any one process."),
  },
);
