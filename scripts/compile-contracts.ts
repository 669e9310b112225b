import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compileContracts, GENERATED_DIR } from "../src-main/chain/compile.js";

// npm run build:contracts — regenerates src-main/chain/generated/ (committed, so the CLI runs without a build).
const started = Date.now();
const result = await compileContracts();
mkdirSync(GENERATED_DIR, { recursive: true });
for (const [name, content] of result.files) writeFileSync(path.join(GENERATED_DIR, name), content);
for (const w of result.warnings) console.warn(w);
for (const c of result.contracts) {
  const kb = (c.deployedSize / 1024).toFixed(1);
  console.log(`${c.name.padEnd(14)} ${kb} KiB deployed${c.deployedSize > 24_576 ? "  OVER THE 24 KiB LIMIT" : ""}`);
}
console.log(
  `solc ${result.solcVersion}: wrote ${result.files.size} files to ${path.relative(process.cwd(), GENERATED_DIR)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
