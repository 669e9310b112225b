import path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

// `npm run lint` ends with `prettier --check .` (issue 12): this shows the project's formatter config
// really judges TypeScript, Svelte and Solidity, and fails on code that is not in its style.
async function isFormatted(file: string, source: string): Promise<boolean> {
  const filepath = path.join(process.cwd(), file);
  const options = await prettier.resolveConfig(filepath);
  return prettier.check(source, { ...options, filepath });
}

describe("the formatter checked in lint", () => {
  it("passes formatted TypeScript and fails the same code unformatted", async () => {
    expect(await isFormatted("src-main/x.ts", 'export const a = { b: 1, c: "d" };\n')).toBe(true);
    expect(await isFormatted("src-main/x.ts", "export const a = {b:1,c:'d'}\n")).toBe(false);
  });

  it("judges Svelte components", async () => {
    const good = '<script lang="ts">\n  let n = $state(0);\n</script>\n\n<button onclick={() => n++}>{n}</button>\n';
    expect(await isFormatted("src-renderer/src/X.svelte", good)).toBe(true);
    expect(
      await isFormatted(
        "src-renderer/src/X.svelte",
        '<script lang="ts">\nlet n=$state(0)\n</script>\n<button onclick={()=>n++}>{n}</button>\n',
      ),
    ).toBe(false);
  });

  it("judges Solidity with the project's 4-space style", async () => {
    const good =
      "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n\ncontract A {\n    uint256 public x;\n}\n";
    expect(await isFormatted("contracts/A.sol", good)).toBe(true);
    expect(
      await isFormatted(
        "contracts/A.sol",
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract A { uint256 public x; }\n",
      ),
    ).toBe(false);
  });
});
