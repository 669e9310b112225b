import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The browser tier tests the dashboard that `pouw-miner headless` serves from dist/renderer, so it
 * builds the renderer first: `npm test` on a fresh clone then tests today's sources, never a stale
 * or missing bundle. (Vite takes about a second.)
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  try {
    execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "build:renderer"], {
      cwd: root,
      stdio: "pipe",
    });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build:renderer failed:\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  }
}
