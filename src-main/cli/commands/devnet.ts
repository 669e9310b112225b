import path from "node:path";
import { Wallet } from "ethers";
import type { DevnetInfo } from "../../../src-shared/devnet-info.js";
import { PouwError } from "../../../src-shared/errors.js";
import { deployToNetwork } from "../../../src-network/devnet/deploy-to.js";
import { deploymentFile, startDevnet, type RunningDevnet } from "../../../src-network/devnet/devnet.js";
import type { ServiceRecord } from "../../../src-network/devnet/services.js";
import { appDataDir } from "../../paths.js";
import { readSecretFile } from "../../wallet/password-source.js";
import {
  UsageError,
  numberOpt,
  stringOpt,
  type CliContext,
  type CommandSpec,
  type ParsedCommandArgs,
} from "../command.js";
import { endProgress, writeProgress, writeResult } from "../output.js";
import { runLoadCommand } from "./devnet-load.js";

/** Enough for the router's k = 3 on its own; the app's embedded devnet runs fewer (docs/devnet.md). */
const DEFAULT_PEERS = 3;
const DEPLOY_ONLY = ["rpc-url", "key-file", "out", "force"] as const;
const DEVNET_ONLY = ["data-dir", "port", "peers", "model", "chain-only"] as const;
const START_ONLY = ["port", "peers", "chain-only"] as const;
const LOAD_ONLY = ["requests", "concurrency", "router-url", "api-key", "max-tokens"] as const;

export const devnetCommand: CommandSpec = {
  name: "devnet",
  summary: "run a whole PoUW network on this machine",
  usage: [
    "[--data-dir DIR] [--port N] [--peers N] [--model FILE] [--chain-only] [--json]",
    "       pouw-miner devnet deploy --rpc-url URL --key-file FILE --out FILE [--force] [--json]",
    "       pouw-miner devnet load [--requests M] [--concurrency C] [--router-url URL --api-key KEY | --data-dir DIR] [--model NAME] [--max-tokens N] [--json]",
  ].join("\n"),
  details: [
    "Without an action: starts anvil on 127.0.0.1 with its state in DIR/chain, deploys the contracts",
    "once (later starts reuse them and keep every balance), funds the dev accounts, then starts the",
    "oracle node (with background demand), N peer miners (each a process with its own worker) and",
    "the OpenAI-compatible router; writes DIR/deployment.json and prints where everything is. Runs",
    "until Ctrl-C or SIGTERM, then stops every child. The dev accounts' keys are anvil's public test",
    "keys: never use them elsewhere.",
    "",
    "deploy: deploys the contracts to any chain and writes a deployment file for it. The key comes",
    "from a file (first line), never from the command line.",
    "",
    "load: sends M chat completions (C at a time) to the router of the devnet running in DIR (or to",
    "--router-url) and reports tasks/s, latency percentiles per task state and failures; exit 1 when",
    "any request failed.",
  ].join("\n"),
  options: {
    "data-dir": { type: "string" },
    port: { type: "string" },
    peers: { type: "string" },
    model: { type: "string" },
    "chain-only": { type: "boolean" },
    requests: { type: "string" },
    concurrency: { type: "string" },
    "router-url": { type: "string" },
    "api-key": { type: "string" },
    "max-tokens": { type: "string" },
    "rpc-url": { type: "string" },
    "key-file": { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
  },
  optionHelp: {
    "data-dir": "where the chain state and deployment.json live (default: <app data>/devnet)",
    port: "JSON-RPC port (default: last run's port when free, else any free port)",
    peers: `peer miners to run (default ${DEFAULT_PEERS})`,
    model: "GGUF the peers serve and the oracle embeds with (default: the project's tiny model); load: the model name",
    "chain-only": "run only the chain: no oracle, peers, router or background demand",
    "rpc-url": "deploy: the chain's JSON-RPC URL",
    "key-file": "deploy: file whose first line is the deployer's private key",
    out: "deploy: where to write the deployment file",
    force: "deploy: replace an existing file at --out",
    requests: "load: requests to send (default 100)",
    concurrency: "load: requests in flight at once (default 10)",
    "router-url": "load: the router's OpenAI base URL (default: the devnet's, from DIR/deployment.json)",
    "api-key": "load: the router's API key (or POUW_ROUTER_API_KEY; default with DIR: a new key for this run)",
    "max-tokens": "load: max_tokens of each request (default 16)",
  },
  allowPositionals: true,
  async run(args, ctx) {
    const [action, ...extra] = args.positionals;
    if (extra.length > 0 || (action !== undefined && action !== "deploy" && action !== "load")) {
      throw new UsageError(
        `devnet takes no arguments other than the actions "deploy" and "load" (got "${args.positionals.join(" ")}")`,
      );
    }
    if (action === "deploy") return deploy(args, ctx);
    if (action === "load") {
      rejectOptions(args, [...DEPLOY_ONLY, ...START_ONLY], "do not apply to devnet load");
      return runLoadCommand(args, ctx);
    }
    return runDevnet(args, ctx);
  },
};

async function runDevnet(args: ParsedCommandArgs, ctx: CliContext): Promise<number> {
  rejectOptions(args, DEPLOY_ONLY, "only apply to devnet deploy");
  rejectOptions(args, LOAD_ONLY, "only apply to devnet load");
  const dataDir = path.resolve(stringOpt(args, "data-dir") ?? path.join(appDataDir(), "devnet"));
  const port = numberOpt(args, "port", { min: 1, max: 65535, integer: true });
  const peers = numberOpt(args, "peers", { min: 0, max: 64, integer: true }) ?? DEFAULT_PEERS;
  const model = stringOpt(args, "model");
  const chainOnly = args.values["chain-only"] === true;
  if (chainOnly && (args.values.peers !== undefined || model !== undefined))
    throw new UsageError("--peers and --model do not apply with --chain-only");

  let devnet: RunningDevnet;
  try {
    devnet = await startDevnet({
      dataDir,
      port,
      ...(chainOnly
        ? {}
        : {
            network: {
              peers,
              ...(model ? { modelPath: path.resolve(model) } : {}),
              onLog: (line: string) => logLine(ctx, line),
            },
          }),
      signal: ctx.signal,
      onProgress: (p) => writeProgress(ctx, p, () => `${p.stage}: ${p.message ?? ""}`),
      onWarning: (message) => ctx.stderr.write(`pouw-miner: warning: ${message}\n`),
    });
  } catch (err) {
    // A signal during start-up is a request to stop, not a failure.
    if (ctx.signal.aborted) {
      endProgress(ctx);
      ctx.stderr.write("pouw-miner: devnet stopped before it was ready\n");
      return 0;
    }
    throw err;
  }
  endProgress(ctx);
  writeResult(ctx, { ...devnet.info, deployed: devnet.deployed, services: devnet.services() }, readyText);

  const failure = await Promise.race([aborted(ctx.signal).then(() => undefined), devnet.failed]);
  await devnet.stop();
  if (failure)
    throw new PouwError("INTERNAL", `${failure.message}; the devnet stopped (its state is kept in ${dataDir})`);
  if (!ctx.json) ctx.stderr.write("devnet stopped\n");
  return 0;
}

async function deploy(args: ParsedCommandArgs, ctx: CliContext): Promise<void> {
  rejectOptions(args, [...DEVNET_ONLY, ...LOAD_ONLY], "do not apply to devnet deploy");
  const rpcUrl = stringOpt(args, "rpc-url", true);
  const keyFile = stringOpt(args, "key-file", true);
  const out = stringOpt(args, "out", true);
  const key = await readSecretFile(keyFile, "key file");
  let signer: Wallet;
  try {
    signer = new Wallet(key.startsWith("0x") ? key : `0x${key}`);
  } catch {
    // Never echo the file's content: it is meant to be a secret.
    throw new PouwError("INVALID_PARAMS", `the key file ${keyFile} does not hold a valid private key`);
  }
  const deployment = await deployToNetwork({
    rpcUrl,
    signer,
    out,
    overwrite: args.values.force === true,
    onProgress: (p) => writeProgress(ctx, p, () => p.message ?? p.stage),
  });
  endProgress(ctx);
  const file = path.resolve(out);
  writeResult(
    ctx,
    { ...deployment, file },
    (d) =>
      `Deployed to chain ${d.chainId} at block ${d.deployedAtBlock}\n${contractLines(d.contracts)}\nWrote ${d.file}`,
  );
}

// Service logs are diagnostics: stderr, so that with --json stdout keeps only JSON lines.
function logLine(ctx: CliContext, line: string): void {
  if (ctx.verbose) ctx.stderr.write(`${line}\n`);
}

function rejectOptions(args: ParsedCommandArgs, names: readonly string[], why: string): void {
  const given = names.filter((n) => args.values[n] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.map((n) => `--${n}`).join(", ")} ${why}`);
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function contractLines(contracts: DevnetInfo["contracts"]): string {
  return Object.entries(contracts)
    .map(([name, address]) => `  ${name.padEnd(14)} ${address}`)
    .join("\n");
}

function readyText(r: DevnetInfo & { deployed: boolean; services: ServiceRecord[] }): string {
  const accounts = r.accounts.map((a) => `  ${a.role.padEnd(14)} ${a.address}`).join("\n");
  return [
    `Devnet ready on chain ${r.chainId} (${r.deployed ? "contracts deployed now" : "contracts and balances kept from the last run"})`,
    `  RPC            ${r.rpcUrl}`,
    `  WebSocket      ${r.wsUrl}`,
    `  Router         ${r.routerUrl ?? "not running (--chain-only)"}`,
    `  Peer miners    ${r.peers}`,
    `  Data           ${r.dataDir}`,
    "Contracts:",
    contractLines(r.contracts),
    "Funded dev accounts (anvil's public test keys, listed in deployment.json):",
    accounts,
    `Deployment file: ${deploymentFile(r.dataDir)}`,
    "Press Ctrl-C to stop.",
  ].join("\n");
}
