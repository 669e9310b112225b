import { ensureDashboard } from "../src-main/headless/dashboard-build.js";
import { runtimeFiles } from "../src-main/runtime/runtime-files.js";

// `npm run build:renderer`: always builds, and stamps the build with its inputs so that
// `pouw-miner headless` knows it is fresh (src-main/headless/dashboard-build.ts).
const started = performance.now();
const dir = await ensureDashboard(runtimeFiles(), { force: true });
console.log(`build-renderer: ${dir} (${Math.round(performance.now() - started)} ms)`);
