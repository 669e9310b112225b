import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The import-boundary rules are part of the architecture (issue #2): this proves lint really fails
// when a process reaches into another's code, and stays quiet for what is allowed.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

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
    const messages = await restrictedImports("src-worker/leak.ts", 'export { modelsDir } from "../src-main/paths.js";\n');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("worker must not import main-process");
  });

  it("fails when src-shared depends on a process", async () => {
    const messages = await restrictedImports("src-shared/leak.ts", 'export { modelsDir } from "../src-main/paths.js";\n');
    expect(messages).toHaveLength(1);
  });

  it("keeps electron inside the Electron shell", async () => {
    const code = 'import { app } from "electron";\nexport const name = app.name;\n';
    expect(await restrictedImports("src-main/core/leak.ts", code)).toHaveLength(1);
    expect(await restrictedImports("src-main/electron/ok.ts", code)).toHaveLength(0);
  });

  it("allows src-shared from every process", async () => {
    const code = 'import { PouwError } from "../../src-shared/errors.js";\nexport const E = PouwError;\n';
    expect(await restrictedImports("src-renderer/src/ok.ts", code)).toHaveLength(0);
    expect(await restrictedImports("src-main/cli/ok.ts", code)).toHaveLength(0);
  });
});
