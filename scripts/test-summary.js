// Prints one closing line for all test tiers together, from the JSON reports vitest wrote:
// "tests: N passed, N failed, N skipped". CI reads that line; people read the tiers above it.
import { existsSync, readFileSync } from "node:fs";

const tiers = ["unit", "model", "chain", "browser"];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const tier of tiers) {
  const file = `test-results/${tier}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(
    `${tier.padEnd(8)} ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
