import { readFile } from "node:fs/promises";
import path from "node:path";
import { APP_DEVNET_SERVICES, type DevnetServicesChoice, type NetworkChoice } from "../../session/open-network.js";
import { polledBatterySource } from "../../desktop/battery-source.js";
import { ensureDashboard } from "../../headless/dashboard-build.js";
import { runHeadless, headlessPassword, type HeadlessReady } from "../../headless/run-headless.js";
import { appDataDir } from "../../paths.js";
import { runtimeFiles } from "../../runtime/runtime-files.js";
import { secretEnv } from "../../runtime/secret-env.js";
import { PASSWORD_ENV } from "../../wallet/password-source.js";
import {
  UsageError,
  numberOpt,
  stringOpt,
  type CliContext,
  type CommandSpec,
  type ParsedCommandArgs,
} from "../command.js";
import { writeResult } from "../output.js";

export const headlessCommand: CommandSpec = {
  name: "headless",
  summary: "run the miner without a window and serve the dashboard on 127.0.0.1",
  usage:
    "[--network devnet|<deployment.json>] [--data-dir DIR] [--port N] [--password-file F | --setup-in-browser] [--model FILE] [--threads N] [--peers N | --chain-only] [--json]",
  details: [
    "Starts the miner core (on the embedded devnet unless --network names a deployment file),",
    "creates the wallet on first launch, funds it on the devnet, registers as a miner, starts",
    "mining and prints the dashboard URL (with its launch token). Runs until Ctrl-C or SIGTERM.",
    "The password comes from --password-file or POUW_WALLET_PASSWORD, never from the command line.",
    "With --setup-in-browser and no password it starts in set-up mode instead: the first run",
    "(hardware, wallet, back-up, model, benchmark, registration) happens in the dashboard.",
    `The embedded devnet runs, around its chain, an oracle (with background demand), a router and`,
    `${APP_DEVNET_SERVICES.peers ?? 0} peer miners, so tasks reach this miner within a minute; --chain-only runs the chain alone.`,
  ].join("\n"),
  options: {
    network: { type: "string" },
    "data-dir": { type: "string" },
    port: { type: "string" },
    "password-file": { type: "string" },
    model: { type: "string" },
    threads: { type: "string" },
    "setup-in-browser": { type: "boolean" },
    peers: { type: "string" },
    "chain-only": { type: "boolean" },
  },
  optionHelp: {
    network: '"devnet" (default) or a deployment.json of another network',
    "data-dir": "wallet, settings, devnet and task history (default: the app data folder)",
    port: "dashboard port on 127.0.0.1 (default: any free port)",
    "password-file": "file whose first line is the wallet password",
    model: "the .gguf to serve (default: the built-in tiny model)",
    threads: "worker CPU threads (default: cores minus one)",
    "setup-in-browser": "without a password: wait for the first run in the dashboard instead of failing",
    peers: `embedded devnet: peer miners beside this one (default ${APP_DEVNET_SERVICES.peers ?? 0})`,
    "chain-only": "embedded devnet: run only the chain (no oracle, peers, router or background demand)",
  },
  async run(args, ctx) {
    const networkArg = stringOpt(args, "network") ?? "devnet";
    const network: NetworkChoice = networkArg === "devnet" ? "devnet" : { deploymentFile: path.resolve(networkArg) };
    const dataDir = path.resolve(stringOpt(args, "data-dir") ?? appDataDir());
    const port = numberOpt(args, "port", { min: 1, max: 65535, integer: true });
    const threads = numberOpt(args, "threads", { min: 1, max: 512, integer: true });
    const model = stringOpt(args, "model");
    const passwordFile = stringOpt(args, "password-file");
    const setupInBrowser = args.values["setup-in-browser"] === true;
    const devnetServices = devnetServicesOf(args, network);
    // Set-up mode only when asked: an unattended miner whose password went missing must fail loudly.
    const password =
      setupInBrowser && !passwordFile && !secretEnv(PASSWORD_ENV)
        ? undefined
        : await headlessPassword(passwordFile ? { passwordFile } : {});
    // Built first when missing or older than its sources: never a "not built" page.
    const staticDir = await ensureDashboard(runtimeFiles(), {
      signal: ctx.signal,
      onBuild: () => ctx.stderr.write("Building the dashboard (not built yet, or older than its sources)…\n"),
    });
    try {
      await runHeadless({
        network,
        staticDir,
        ...(devnetServices !== undefined ? { devnetServices } : {}),
        dataDir,
        ...(password !== undefined ? { password } : {}),
        appVersion: await packageVersion(),
        ...(port !== undefined ? { port } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(model !== undefined ? { modelPath: path.resolve(model) } : {}),
        // pauseOnBattery: a laptop running headless takes no new work unplugged (systeminformation, polled).
        batterySource: polledBatterySource(),
        signal: ctx.signal,
        onLog: (line) => {
          if (ctx.verbose || !ctx.json) ctx.stderr.write(`${line}\n`);
        },
        onListening: (l) => {
          // The URL first, while the miner still starts: the dashboard shows what is under way.
          if (ctx.json) ctx.stdout.write(JSON.stringify({ type: "progress", stage: "listening", ...l }) + "\n");
          else ctx.stdout.write(`Dashboard: ${l.dashboardUrl} (starting…)\n`);
          startupTiming(ctx, `dashboard served at ${l.dashboardUrl}`);
        },
        onStage: (reason) => {
          if (ctx.json) ctx.stdout.write(JSON.stringify({ type: "progress", stage: "starting", reason }) + "\n");
          startupTiming(ctx, reason);
        },
        onReady: (ready) => {
          startupTiming(ctx, "ready");
          writeResult(ctx, ready, readyText);
        },
      });
    } catch (err) {
      // A signal during start-up is a request to stop, not a failure.
      if (!ctx.signal.aborted) throw err;
    }
    if (!ctx.json) ctx.stderr.write("miner stopped\n");
    return 0;
  },
};

/** --peers N / --chain-only, as `pouw-miner devnet` takes them; both only for the embedded devnet. */
function devnetServicesOf(args: ParsedCommandArgs, network: NetworkChoice): DevnetServicesChoice | undefined {
  const peers = numberOpt(args, "peers", { min: 0, max: 64, integer: true });
  const chainOnly = args.values["chain-only"] === true;
  if ((peers !== undefined || chainOnly) && network !== "devnet")
    throw new UsageError("--peers and --chain-only only apply to the embedded devnet (--network devnet)");
  if (chainOnly && peers !== undefined) throw new UsageError("--peers does not apply with --chain-only");
  if (chainOnly) return false;
  return peers === undefined ? undefined : { ...APP_DEVNET_SERVICES, peers };
}

/** With --verbose, each start-up step with the time since the process started (module loading included). */
function startupTiming(ctx: CliContext, what: string): void {
  if (ctx.verbose) ctx.stderr.write(`start-up ${performance.now().toFixed(0)} ms: ${what}\n`);
}

function readyText(r: HeadlessReady): string {
  const who = r.setup
    ? [`Set-up mode on ${r.network} (chain ${r.chainId}, ${r.rpcUrl}): open the dashboard to finish the first run`]
    : [
        `Mining as ${r.address ?? "?"} on ${r.network} (chain ${r.chainId}, ${r.rpcUrl})`,
        `Model id: ${r.modelId ?? "(starting)"}`,
      ];
  return [`Dashboard: ${r.dashboardUrl}`, ...who, `Data: ${r.dataDir}`, "Press Ctrl-C to stop."].join("\n");
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(runtimeFiles().packageJson, "utf8")) as { version: string };
  return pkg.version;
}
