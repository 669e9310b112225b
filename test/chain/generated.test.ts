import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileContracts, GENERATED_DIR } from "../../src-main/chain/compile.js";

// In the chain tier (not unit) because solc-js takes 10-30 s on a shared 2-core machine.
describe("generated contract modules", () => {
  it("match a fresh compile of contracts/ (run `npm run build:contracts` if this fails)", async () => {
    const result = await compileContracts();
    for (const [name, content] of result.files) {
      const committed = readFileSync(path.join(GENERATED_DIR, name), "utf8");
      expect(committed, `${name} is stale`).toBe(content);
    }
    for (const c of result.contracts) expect(c.deployedSize, `${c.name} size`).toBeLessThanOrEqual(24_576);
  });
});
