import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { parts } from "./parts/index.js";
import type { BenchRow } from "./types.js";

// Speed claims come only from here (DEVELOPERS.md, Standards): each part measures its ratios side
// by side in one run, on this machine, and the results are printed and written to bench/results/.
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !parts.some((p) => p.name === w));
if (unknown.length > 0) {
  console.error(`bench: unknown part(s) ${unknown.join(", ")}; parts are: ${parts.map((p) => p.name).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? parts.filter((p) => wanted.includes(p.name)) : parts;
const machine = `${os.cpus()[0]?.model ?? "cpu"} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
console.log(`pouw-miner bench — ${machine}\n`);

const results: Array<{ part: string; rows: BenchRow[]; notes: string[] }> = [];
let failed = false;
for (const part of selected) {
  console.log(`== ${part.name}: ${part.description}`);
  try {
    const { rows, notes = [] } = await part.run((line) => console.log(`   ${line}`));
    results.push({ part: part.name, rows, notes });
    printRows(rows);
    for (const n of notes) console.log(`   note: ${n}`);
  } catch (err) {
    failed = true;
    console.log(`   FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
  console.log("");
}
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(
  new URL("./results/latest.json", import.meta.url),
  JSON.stringify({ at: new Date().toISOString(), machine, results }, null, 2),
);
process.exitCode = failed ? 1 : 0;

function printRows(rows: BenchRow[]): void {
  const w = Math.max(...rows.map((r) => r.metric.length), 10);
  for (const r of rows) {
    const verdict = r.pass === undefined ? "" : r.pass ? "  ok" : "  MISSED";
    const goal = r.goal ? `  (goal ${r.goal})` : "";
    console.log(`   ${r.metric.padEnd(w)}  ${formatValue(r.value)} ${r.unit}${goal}${verdict}`);
  }
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
