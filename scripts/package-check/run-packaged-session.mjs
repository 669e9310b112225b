// Runs the packaged app's main process (dist/electron/main.js from the extracted archive) under
// plain Node, with Electron's API replaced by the stand-in in its node_modules/electron, and drives
// the first run through the app's own IPC handlers as the window would: the hardware probe (the
// worker answers `probe`), a wallet, the back-up, the model download, the benchmark, the
// registration, then mining until the embedded devnet brings a task of this miner's to End.
// One JSON line per step on stdout; a failure is one line {"error"} and exit 1.
// Started by scripts/package-check.ts with POUW_PACKAGED_APP (the extracted app.asar folder),
// POUW_IPC_CHANNELS (the contract's channel names), POUW_DATA_DIR and the test catalogue set.
import path from "node:path";
import { pathToFileURL } from "node:url";

const appRoot = process.env.POUW_PACKAGED_APP;
const channels = JSON.parse(process.env.POUW_IPC_CHANNELS ?? "{}");
const PASSWORD = "packaged-check-password";
const LIMIT_MS = Number(process.env.POUW_PACKAGE_CHECK_LIMIT_MS) || 240_000;
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const startedAt = Date.now();

function fail(message) {
  say({ error: message });
  process.exit(1);
}
setTimeout(() => fail(`no task reached End within ${LIMIT_MS / 1000} s`), LIMIT_MS).unref();

// Electron sets this in every packaged app; the runtime registry reads the layout from it.
process.resourcesPath = path.dirname(appRoot);
await import(pathToFileURL(path.join(appRoot, "dist", "electron", "main.js")).href);
const standIn = globalThis.__electronStandIn;
if (!standIn) fail("the packaged main did not load Electron's stand-in (node_modules/electron)");

async function call(method, params) {
  const channel = channels[method];
  if (!channel) fail(`unknown method ${method}`);
  const answer = await standIn.invoke(channel, params);
  if (!answer?.ok) fail(`${method}: ${answer?.error?.code}: ${answer?.error?.message}`);
  return answer.result;
}
const snapshot = async () => (await call("getSnapshot")).snapshot;
async function until(what, check, everyMs = 250) {
  for (;;) {
    const found = await check();
    if (found) return found;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
const step = (name, extra = {}) => say({ step: name, atMs: Date.now() - startedAt, ...extra });

try {
  const win = standIn.record;
  step("main loaded", { window: win.loaded, preload: win.preloads });
  const hardware = await call("getHardware");
  step("probe", {
    gpus: hardware.probe?.gpus?.length ?? hardware.gpus?.length ?? 0,
    workers: win.children.map((c) => c.modulePath),
  });
  await call("completeSetupStep", { step: "hardware" });
  const { address } = await call("createWallet", { password: PASSWORD });
  await call("revealRecoveryPhrase", { password: PASSWORD });
  await call("confirmBackup");
  step("wallet", { address });
  const modelId = process.env.POUW_PACKAGE_CHECK_MODEL_ID;
  await call("downloadModel", { id: modelId });
  await until("download", async () => (await snapshot()).downloads?.[modelId]?.state === "done");
  await call("setActiveModel", { id: modelId });
  step("model", { modelId });
  const bench = await call("runBenchmark", {});
  step("benchmark", { tokensPerSecond: bench.tokensPerSecond });
  const minStake = (await until("registration view", async () => (await snapshot()).registration)).minStakeWei;
  await call("register", { stakeWei: minStake });
  await call("startMining");
  step("mining");
  const ended = await until("a task at End", async () =>
    (await snapshot()).tasks.find((t) => t.stage === "End" && t.rewardWei && BigInt(t.rewardWei) > 0n),
  );
  step("task at End", {
    id: ended.id,
    rewardWei: ended.rewardWei,
    kind: ended.kind,
    utilityProcesses: win.children.map((c) => c.serviceName),
  });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
standIn.quit();
// The shell's before-quit closes the session (sync, worker, devnet, its peers and their workers):
// every utility process must end by itself.
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const quitBy = Date.now() + 30_000;
while (standIn.record.children.some((c) => alive(c.pid)) && Date.now() < quitBy)
  await new Promise((r) => setTimeout(r, 100));
const left = standIn.record.children.filter((c) => alive(c.pid));
if (left.length > 0)
  fail(`after quit these utility processes still run: ${left.map((c) => `${c.serviceName} (${c.pid})`).join(", ")}`);
step("quit", { ended: standIn.record.children.length });
process.exit(0);
