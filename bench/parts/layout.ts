import path from "node:path";
import { build } from "esbuild";
import type { BenchPart, BenchRow } from "../types.js";

/**
 * Issue 12 (a house a newcomer can read): how many of the project's own modules each process can
 * load, from esbuild's module graph of its entry (static and dynamic imports; dependencies left
 * out), and how many of them are network services. The app's process should hold the miner only;
 * the network host holds the devnet and its services.
 */
const ENTRIES: Array<{ name: string; entry: string }> = [
  { name: "desktop app main process (src-main/electron/main.ts)", entry: "src-main/electron/main.ts" },
  { name: "pouw-miner headless (src-main/headless/run-headless.ts)", entry: "src-main/headless/run-headless.ts" },
  { name: "network host (src-network/host/network-host-main.ts)", entry: "src-network/host/network-host-main.ts" },
  { name: "pouw-miner devnet (src-main/cli/commands/devnet.ts)", entry: "src-main/cli/commands/devnet.ts" },
];
const PROJECT = /^(src-main|src-network|src-shared|src-worker)\//;
/** Files that are network services wherever they live (before issue 12 they were under src-main). */
const SERVICES =
  /^(src-network\/(oracle|router|demand|peers)\/|src-main\/(oracle|router)\/|src-main\/devnet\/(oracle-service|router-service|peer-|background-demand))/;

export async function projectModules(root: string, entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    external: ["electron"],
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs)
    .map((p) => p.split(path.sep).join("/"))
    .filter((p) => PROJECT.test(p));
}

export const layoutPart: BenchPart = {
  name: "layout",
  description: "issue 12: project modules each process can load, and how many are network services",
  async run(log) {
    const root = process.cwd();
    const rows: BenchRow[] = [];
    for (const { name, entry } of ENTRIES) {
      const modules = await projectModules(root, entry);
      const services = modules.filter((m) => SERVICES.test(m));
      log(`${name}: ${modules.length} project modules, ${services.length} of them network services`);
      rows.push({ metric: `${name}: project modules`, value: modules.length, unit: "modules" });
      rows.push({
        metric: `${name}: of which oracle/router/demand/peer modules`,
        value: services.length,
        unit: "modules",
        ...(entry.startsWith("src-main/electron") || entry.startsWith("src-main/headless")
          ? { goal: "0 (the app's process runs only the miner)", pass: services.length === 0 }
          : {}),
      });
    }
    return {
      rows,
      notes: [
        "module graph from esbuild's metafile of each entry (static and dynamic imports; npm dependencies not counted)",
      ],
    };
  },
};
