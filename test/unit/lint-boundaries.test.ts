import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The import-boundary rules are part of the architecture (issue #2): this proves lint really fails
// when a process reaches into another's code, and stays quiet for what is allowed. The snippets sit at
// made-up paths, which no tsconfig lists, so this instance lints them without type information (the
// type-aware rules are off here; they are shown firing at the end, at real files' paths).
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-misused-promises": "off" },
  },
});

async function messagesOf(ruleId: string, filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

const restrictedImports = (filePath: string, code: string) => messagesOf("no-restricted-imports", filePath, code);

describe("import boundaries", () => {
  it("fails when the renderer imports src-main", async () => {
    const messages = await restrictedImports(
      "src-renderer/src/lib/leak.ts",
      'import { modelsDir } from "../../../src-main/paths.js";\nexport const dir = modelsDir();\n',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("renderer must not import main-process");
  });

  it("fails when a Svelte component imports the worker", async () => {
    const messages = await restrictedImports(
      "src-renderer/src/Leak.svelte",
      '<script lang="ts">\nimport { run } from "../../src-worker/main.js";\nrun();\n</script>\n',
    );
    expect(messages).toHaveLength(1);
  });

  it("fails when the worker imports src-main", async () => {
    const messages = await restrictedImports(
      "src-worker/leak.ts",
      'export { modelsDir } from "../src-main/paths.js";\n',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("worker must not import main-process");
  });

  it("fails when src-shared depends on a process", async () => {
    const messages = await restrictedImports(
      "src-shared/leak.ts",
      'export { modelsDir } from "../src-main/paths.js";\n',
    );
    expect(messages).toHaveLength(1);
  });

  it("keeps network services out of the app's session, and the app out of network services", async () => {
    const intoSession = 'export { AppSession } from "../../src-main/session/app-session.js";\n';
    const messages = await restrictedImports("src-network/oracle/leak.ts", intoSession);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Network services must not import the app");
    const chainLayer = 'export { createProvider } from "../../src-main/chain/provider.js";\n';
    expect(await restrictedImports("src-network/oracle/ok.ts", chainLayer)).toHaveLength(0);

    const intoNetwork = 'export { startDevnet } from "../../src-network/devnet/devnet.js";\n';
    const fromApp = await restrictedImports("src-main/headless/leak.ts", intoNetwork);
    expect(fromApp).toHaveLength(1);
    expect(fromApp[0]).toContain("only through src-network/host");
    expect(await restrictedImports("src-main/session/open-network.ts", intoNetwork)).toHaveLength(0);
    expect(await restrictedImports("src-main/cli/commands/ok.ts", intoNetwork)).toHaveLength(0);
    expect(
      await restrictedImports("src-worker/leak.ts", 'export { startDevnet } from "../src-network/devnet/devnet.js";\n'),
    ).toHaveLength(1);
  });

  it("keeps electron inside the Electron shell", async () => {
    const code = 'import { app } from "electron";\nexport const name = app.name;\n';
    expect(await restrictedImports("src-main/session/leak.ts", code)).toHaveLength(1);
    expect(await restrictedImports("src-main/electron/ok.ts", code)).toHaveLength(0);
  });

  it("allows src-shared from every process", async () => {
    const code = 'import { PouwError } from "../../src-shared/errors.js";\nexport const E = PouwError;\n';
    expect(await restrictedImports("src-renderer/src/ok.ts", code)).toHaveLength(0);
    expect(await restrictedImports("src-main/cli/ok.ts", code)).toHaveLength(0);
  });

  // Issue 12: each process imports only its own code and src-shared; test, bench and scripts anything.
  it("fails when the worker imports test code, and when main imports the worker", async () => {
    const fromWorker = await restrictedImports(
      "src-worker/leak.ts",
      'export { tempDir } from "../test/helpers/temp.js";\n',
    );
    expect(fromWorker).toHaveLength(1);
    expect(fromWorker[0]).toContain("worker must not import tests");
    const fromMain = await restrictedImports(
      "src-main/worker-client/leak.ts",
      'export { run } from "../../src-worker/main.js";\n',
    );
    expect(fromMain).toHaveLength(1);
    expect(fromMain[0]).toContain("Main-process code must not import worker code");
  });

  it("lets test, bench and scripts import any process's code", async () => {
    const code =
      'import { modelsDir } from "../../src-main/paths.js";\nimport { run } from "../../src-worker/main.js";\nexport const both = [modelsDir, run];\n';
    expect(await restrictedImports("test/unit/ok.ts", code)).toHaveLength(0);
    expect(await restrictedImports("bench/suites/ok.ts", code)).toHaveLength(0);
  });

  it("keeps electron's subpaths inside the Electron shell too", async () => {
    const code = 'import { app } from "electron/main";\nexport const name = app.name;\n';
    const messages = await restrictedImports("src-main/session/leak.ts", code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Only src-main/electron/ may import electron.");
    expect(await restrictedImports("src-main/electron/ok.ts", code)).toHaveLength(0);
  });

  it("keeps the renderer to the browser-safe part of src-shared", async () => {
    const nodeOnly = await restrictedImports(
      "src-renderer/src/lib/leak.ts",
      'export { sha256File } from "../../../src-shared/node/file-hash.js";\n',
    );
    expect(nodeOnly).toHaveLength(1);
    expect(nodeOnly[0]).toContain("Node-only part of src-shared");
    const gguf = 'export { readGgufHeader } from "../../../src-shared/node/gguf/reader.js";\n';
    expect(await restrictedImports("src-renderer/src/lib/leak.ts", gguf)).toHaveLength(1);
    const builtin = 'import { readFile } from "node:fs/promises";\nexport const read = readFile;\n';
    expect(await messagesOf("import-x/no-nodejs-modules", "src-renderer/src/lib/leak.ts", builtin)).toHaveLength(1);
  });

  it("keeps the browser-safe part of src-shared free of Node", async () => {
    const builtin = 'import path from "node:path";\nexport const join = path.join;\n';
    expect(await messagesOf("import-x/no-nodejs-modules", "src-shared/leak.ts", builtin)).toHaveLength(1);
    expect(await messagesOf("import-x/no-nodejs-modules", "src-shared/node/file-hash.ts", builtin)).toHaveLength(0);
    const nodeOnly = await restrictedImports(
      "src-shared/leak.ts",
      'export { sha256File } from "./node/file-hash.js";\n',
    );
    expect(nodeOnly).toHaveLength(1);
    expect(nodeOnly[0]).toContain("Node-only part of src-shared");
    const global = await messagesOf("no-restricted-globals", "src-shared/leak.ts", "export const pid = process.pid;\n");
    expect(global).toHaveLength(1);
    expect(global[0]).toContain("process is Node-only; this part of src-shared also runs in the renderer.");
  });
});

describe("import cycles", () => {
  // errors.ts is imported (as a value) by json-patch.ts, so errors.ts importing json-patch closes a cycle.
  it("fails when a module imports a module that imports it back", async () => {
    const code = 'import { diff } from "./json-patch.js";\nexport const d = diff;\n';
    expect(await messagesOf("import-x/no-cycle", "src-shared/errors.ts", code)).toEqual(["Dependency cycle detected"]);
  });

  it("follows imports through Svelte components", async () => {
    // Countdown.svelte imports format.ts for its countdown text.
    const code = 'import Countdown from "./components/Countdown.svelte";\nexport const C = Countdown;\n';
    expect(await messagesOf("import-x/no-cycle", "src-renderer/src/lib/format.ts", code)).toEqual([
      "Dependency cycle detected",
    ]);
  });

  it("does not count a type-only import (it is erased)", async () => {
    const code = 'import type { PatchOp } from "./json-patch.js";\nexport type Op = PatchOp;\n';
    expect(await messagesOf("import-x/no-cycle", "src-shared/errors.ts", code)).toHaveLength(0);
  });
});

describe("type-aware rules", () => {
  // The project's own config, at existing files' paths (their text on disk is left alone): one typed
  // by the root tsconfig, one by the renderer's.
  const typed = new ESLint({ cwd: process.cwd() });
  const code =
    "export async function save(): Promise<void> {}\nexport function onClick(): void {\n  save();\n  [1].forEach(async () => save());\n}\n";

  it("flags a floating promise and a promise where a void callback is expected", { timeout: 60_000 }, async () => {
    for (const filePath of ["src-shared/in-batches.ts", "src-renderer/src/lib/format.ts"]) {
      const [result] = await typed.lintText(code, { filePath });
      expect((result?.messages ?? []).map((m) => m.ruleId)).toEqual([
        "@typescript-eslint/no-floating-promises",
        "@typescript-eslint/no-misused-promises",
      ]);
    }
  });
});
