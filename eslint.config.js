import path from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import globals from "globals";

/**
 * Process boundaries (DEVELOPERS.md; issue #2): only src-shared is shared. The renderer runs in a
 * sandboxed page and the worker in a child process, so an import across a boundary would either
 * not work at run time or smuggle privileges into the wrong process. Importing electron from plain
 * Node starts a binary download, so only the shell (src-main/electron) may do it. test, bench and
 * scripts may import any of the code they exercise (but not electron).
 */
const CODE = {
  "src-main": "main-process code",
  "src-network": "network services",
  "src-worker": "worker code",
  "src-renderer": "renderer code",
  test: "tests",
  bench: "benchmarks",
  scripts: "build scripts",
};

/**
 * `who` may import no folder of CODE but its own, those in `allow`, and src-shared; `electron` says
 * whether it may import electron.
 */
const restrict = (who, own, { electron = false, extra = [], allow = [] } = {}) => ({
  "no-restricted-imports": [
    "error",
    {
      paths: [{ name: "electron-store", message: "Use src-main/settings (conf), which runs without Electron." }],
      patterns: [
        ...(electron
          ? []
          : [
              {
                regex: "^electron(/|$)",
                message: "Only src-main/electron/ may import electron.",
                allowTypeImports: true,
              },
            ]),
        ...Object.entries(CODE)
          .filter(([folder]) => folder !== own && !allow.includes(folder))
          .map(([folder, what]) => ({
            regex: `(^|/)${folder}(/|$)`,
            message: `${who} must not import ${what} (${folder}/). Only src-shared is shared between processes.`,
          })),
        ...extra,
      ],
    },
  ],
});

/**
 * The parts of src-shared that need Node (fs, crypto, Buffer, process): main and the worker share
 * them, the renderer (a browser page) must not load them, and the rest of src-shared — which the
 * renderer does load — must not import them. Matched against an import's path inside src-shared.
 */
const NODE_ONLY_SHARED = [
  "src-shared/node/file-hash.ts",
  "src-shared/node/parent-channel.ts",
  "src-shared/node/gguf/**",
];
const NODE_ONLY_SHARED_IMPORT = "node/";
const NODE_ONLY_SHARED_MESSAGE =
  "is a Node-only part of src-shared (fs, crypto, Buffer or process); the renderer loads only the browser-safe rest.";

/**
 * Network services (oracle, router, background demand, peers, devnet) run beside the app, by default
 * in a process of their own: they may use the node layers under src-main (chain, tx, sync, the miner
 * engine, worker client, storage, runtime) but never the app's session, shells or settings; and the
 * app reaches them only through src-network/host (from session/open-network.ts) and the operator
 * commands of the CLI.
 */
const APP_FOLDERS = [
  "session",
  "electron",
  "headless",
  "cli",
  "desktop",
  "update",
  "settings",
  "wallet",
  "earnings",
  "scheduler",
  "models",
];
const NOT_THE_APP = {
  regex: `(^|/)src-main/(${APP_FOLDERS.join("|")})/`,
  message:
    "Network services must not import the app (its session, shells, settings, wallet or models): only src-shared and src-main's node layers (chain, tx, sync, miner, worker-client, storage, runtime, http, verify).",
};
const NETWORK_STARTERS = ["src-main/session/open-network.ts", "src-main/cli/**"];
const NOT_NETWORK = {
  regex: "(^|/)src-network/",
  allowTypeImports: true,
  message:
    "The app starts network services only through src-network/host, from src-main/session/open-network.ts (and the CLI's operator commands).",
};

/**
 * Import resolution for import-x (no-cycle): TypeScript sources are imported with `.js` specifiers
 * (NodeNext), so `.js` also tries `.ts`; Svelte components are part of the renderer's graph (their
 * imports read by scripts/lint/svelte-imports-parser.js).
 */
const importResolver = createNodeResolver({
  extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".node", ".svelte"],
  extensionAlias: { ".js": [".ts", ".js"] },
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
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [importResolver],
      "import-x/extensions": [".ts", ".js", ".mjs", ".cjs", ".svelte"],
      "import-x/parsers": {
        "@typescript-eslint/parser": [".ts"],
        [path.join(import.meta.dirname, "scripts/lint/svelte-imports-parser.js")]: [".svelte"],
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Type-aware rules (issue 12): a promise nobody awaits or catches loses its error (an unhandled
    // rejection ends the process), and a promise where a void callback is expected is not awaited.
    // Each .ts file is typed by its nearest tsconfig.json (the root one, or src-renderer's). Svelte
    // components are left out: typing each one through svelte-eslint-parser tripled the renderer's
    // lint time (9 s to 28 s on 2 cores); svelte-check types them.
    files: ["**/*.ts"],
    ignores: ["src-renderer/*.config.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: [".svelte"] } },
  },
  {
    // No import cycles in the shipped code (issue 12): a cycle makes load order decide whether a
    // value is initialised yet. Type-only imports are erased and do not count. import-x parses each
    // imported module with the linted file's parser options, so the .ts files carry the TypeScript
    // parser that the Svelte parser needs for a component's <script lang="ts">.
    files: [
      "src-main/**/*.ts",
      "src-network/**/*.ts",
      "src-shared/**/*.ts",
      "src-worker/**/*.ts",
      "src-renderer/src/**/*.{ts,svelte}",
    ],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    files: ["src-main/**"],
    ignores: ["src-main/electron/**", ...NETWORK_STARTERS],
    rules: restrict("Main-process code", "src-main", { allow: ["src-network"], extra: [NOT_NETWORK] }),
  },
  {
    // The one place the app starts network services, and the operator commands that run them.
    files: NETWORK_STARTERS,
    rules: restrict("Main-process code", "src-main", { allow: ["src-network"] }),
  },
  {
    files: ["src-network/**"],
    rules: restrict("Network services", "src-network", { allow: ["src-main"], extra: [NOT_THE_APP] }),
  },
  {
    files: ["src-main/electron/**"],
    rules: restrict("Main-process code", "src-main", { electron: true }),
  },
  {
    files: ["test/**", "bench/**", "scripts/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "electron", message: "Only src-main/electron/ may import electron.", allowTypeImports: true },
            { name: "electron-store", message: "Use src-main/settings (conf), which runs without Electron." },
          ],
        },
      ],
    },
  },
  {
    files: ["src-renderer/**"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...restrict("The renderer", "src-renderer", {
        extra: [{ regex: `(^|/)src-shared/${NODE_ONLY_SHARED_IMPORT}`, message: `This ${NODE_ONLY_SHARED_MESSAGE}` }],
      }),
    },
  },
  {
    // The page itself (not its Vite configs, which run in Node).
    files: ["src-renderer/src/**"],
    rules: { "import-x/no-nodejs-modules": "error" },
  },
  {
    files: ["src-worker/**"],
    rules: restrict("The worker", "src-worker"),
  },
  {
    files: ["src-shared/**"],
    rules: restrict("src-shared", "src-shared"),
  },
  {
    // The browser-safe rest of src-shared: the renderer loads it, so no Node built-ins or globals.
    files: ["src-shared/**"],
    ignores: NODE_ONLY_SHARED,
    rules: {
      ...restrict("src-shared", "src-shared", {
        extra: [{ regex: `^\\./${NODE_ONLY_SHARED_IMPORT}`, message: `This ${NODE_ONLY_SHARED_MESSAGE}` }],
      }),
      "import-x/no-nodejs-modules": "error",
      "no-restricted-globals": [
        "error",
        ...["process", "Buffer", "require", "__dirname", "__filename", "global", "setImmediate"].map((name) => ({
          name,
          message: `${name} is Node-only; this part of src-shared also runs in the renderer.`,
        })),
      ],
    },
  },
);
