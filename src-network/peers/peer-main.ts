import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Wallet } from "ethers";
import { toErrorShape } from "../../src-shared/errors.js";
import { parentChannel } from "../../src-shared/node/parent-channel.js";
import { PeerStart, type PeerMessage } from "../../src-shared/peer-contract.js";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { MinerRuntime } from "../../src-main/miner/miner-runtime.js";
import { limitConnections } from "../../src-main/http/connection-limits.js";
import { workerInference } from "../../src-main/miner/worker-inference.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";
import { ensureRegistered } from "../../src-main/miner/registration.js";
import { adoptParentLauncher } from "../../src-main/runtime/launch-relay.js";

/**
 * A devnet peer miner: its own process (started by peer-service.ts) with its own worker process,
 * registered with the model it serves and running the same MinerRuntime as the app's miner. Inside
 * the Electron app its worker is started by the main process on its behalf (the launch relay).
 */

const channel = parentChannel();
adoptParentLauncher(channel);
const send = (m: PeerMessage) => channel.send(m);
const log = (line: string) => send({ kind: "log", line });
const cleanups: Array<() => Promise<unknown>> = [];
let ending: Promise<void> | undefined;

function end(code: number): Promise<void> {
  ending ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    process.exit(code);
  })();
  return ending;
}

async function run(cfg: PeerStart): Promise<void> {
  const provider = createProvider(cfg.rpcUrl, { chainId: cfg.deployment.chainId, pollingInterval: 100 });
  cleanups.push(async () => provider.destroy());
  const signer = new Wallet(cfg.privateKey, provider);
  const contracts = connectProtocol(cfg.deployment, signer);
  await ensureRegistered({ signer, contracts, models: [modelIdOf(cfg.modelName)], speed: cfg.speed, onLog: log });

  const worker = new WorkerSupervisor();
  worker.on("crashed", (c) => log(`worker crashed (${c.reason}); restarting in ${c.restartInMs} ms`));
  cleanups.push(() => worker.stop());
  await worker.start();
  await worker.call("loadModel", { path: cfg.modelPath, threads: cfg.threads });

  const runtime = await MinerRuntime.open({
    networkDir: cfg.dir,
    signer,
    provider,
    deployment: cfg.deployment,
    contracts,
    inference: workerInference(worker),
    pollMs: cfg.pollMs,
    onChange: () => undefined,
    onError: (taskId, e) => log(`task ${taskId}: ${e.code}: ${e.message}`),
    onSyncError: (e) => log(`chain sync: ${toErrorShape(e).message}`),
  });
  cleanups.push(() => runtime.close());
  await runtime.startSync();

  // Answers at a URL so that a later devnet finding this process orphaned can tell it is ours.
  const health: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        peer: cfg.name,
        address: signer.address,
        workerPid: worker.pid ?? null,
        active: runtime.engine.active().length,
      }),
    );
  });
  limitConnections(health);
  await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((r) => health.close(r)));
  const { port } = health.address() as AddressInfo;
  send({
    kind: "ready",
    address: signer.address,
    workerPid: worker.pid ?? null,
    healthUrl: `http://127.0.0.1:${port}/`,
  });
}

channel.onParentGone(() => void end(0));
for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => void end(0));
let started = false;
channel.onMessage((raw: unknown) => {
  // The first message is the start; later ones are worker relay traffic, read by the relay.
  if (started) return;
  started = true;
  const parsed = PeerStart.safeParse(raw);
  if (!parsed.success) {
    send({
      kind: "failed",
      error: { code: "INVALID_PARAMS", message: `bad peer start message: ${parsed.error.issues[0]?.message ?? ""}` },
    });
    void end(1);
    return;
  }
  run(parsed.data).catch(async (err: unknown) => {
    send({ kind: "failed", error: toErrorShape(err) });
    await end(1);
  });
});
