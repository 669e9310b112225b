// The network host: the embedded devnet and every service around it (anvil, oracle, router,
// background demand, peer miners) in a process of its own, started by the app through
// network-host.ts. Its peers and the oracle's worker are its children (or, inside the Electron app,
// started by main on its behalf through the launch relay).
import { toErrorShape } from "../../src-shared/errors.js";
import { HostCommand, type HostEvent } from "../../src-shared/network-host-contract.js";
import { parentChannel } from "../../src-shared/node/parent-channel.js";
import { adoptParentLauncher } from "../../src-main/runtime/launch-relay.js";
import { startDevnet, type RunningDevnet } from "../devnet/devnet.js";

const channel = parentChannel();
adoptParentLauncher(channel);
const send = (e: HostEvent) => channel.send(e);
const abort = new AbortController();
let devnet: RunningDevnet | undefined;
let starting: Promise<void> | undefined;
let ending: Promise<void> | undefined;

function end(): Promise<void> {
  ending ??= (async () => {
    abort.abort();
    await starting?.catch(() => undefined);
    let error: HostEvent & { kind: "stopped" } = { kind: "stopped" };
    try {
      await devnet?.stop();
    } catch (err) {
      error = { kind: "stopped", error: toErrorShape(err) };
    }
    send(error);
    // Let the last message leave before the channel goes with the process.
    setTimeout(() => process.exit(0), 50);
  })();
  return ending;
}

async function start(cmd: Extract<HostCommand, { kind: "start" }>): Promise<void> {
  try {
    devnet = await startDevnet({
      dataDir: cmd.dataDir,
      ...(cmd.port !== undefined ? { port: cmd.port } : {}),
      ...(cmd.network ? { network: { ...cmd.network, onLog: (line: string) => send({ kind: "log", line }) } } : {}),
      signal: abort.signal,
      onProgress: (p) =>
        send({ kind: "progress", stage: p.stage, ...(p.message !== undefined ? { message: p.message } : {}) }),
      onWarning: (message) => send({ kind: "warning", message }),
    });
  } catch (err) {
    send({ kind: "start-failed", error: toErrorShape(err) });
    setTimeout(() => process.exit(1), 50);
    return;
  }
  const running = devnet;
  send({ kind: "ready", info: running.info, deployed: running.deployed, services: running.services() });
  void running.failed.then((failure) => send({ kind: "failed", failure }));
  // Peers come and go (the oracle reassigns a lost peer's tasks): the app shows the live list.
  let last = JSON.stringify(running.services());
  setInterval(() => {
    const now = JSON.stringify(running.services());
    if (now !== last) send({ kind: "services", services: running.services() });
    last = now;
  }, 1000).unref();
}

channel.onMessage((raw) => {
  const cmd = HostCommand.safeParse(raw);
  if (!cmd.success) return;
  if (cmd.data.kind === "start") starting ??= start(cmd.data);
  else void end();
});
channel.onParentGone(() => void end());
process.on("SIGTERM", () => void end());
process.on("SIGINT", () => void end());
