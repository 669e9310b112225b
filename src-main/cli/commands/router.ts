import { PouwError } from "../../../src-shared/errors.js";
import { startRouterService } from "../../../src-network/devnet/router-service.js";
import { UsageError, numberOpt, stringOpt, type CommandSpec } from "../command.js";
import { endProgress, writeResult } from "../output.js";
import { OPERATOR_OPTIONS, openOperator, operatorOptionHelp, untilStopped } from "./operator.js";
import {
  ROUTER_KEYS_DETAILS,
  ROUTER_KEYS_OPTIONS,
  ROUTER_KEYS_USAGE,
  routerKeysOptionHelp,
  runRouterKeys,
} from "./router-keys.js";

export const routerCommand: CommandSpec = {
  name: "router",
  summary: "run an OpenAI-compatible router for a network, and manage its API keys",
  usage: [
    "--network FILE --models NAME[,NAME…] [--data-dir DIR] [--password-file F] [--port N] [--json]",
    ...ROUTER_KEYS_USAGE,
  ].join("\n"),
  details: [
    "Serves /v1/chat/completions and /v1/completions on 127.0.0.1: each request becomes a task on",
    "the network, paid from the wallet in DIR (it must hold network tokens and gas money), and is",
    "answered with the settled output and its PoUW receipt. Requests need an API key of its folder's",
    "key file (DIR/router-keys.json; see keys below). Runs until Ctrl-C or SIGTERM.",
    "",
    ...ROUTER_KEYS_DETAILS,
  ].join("\n"),
  options: { ...OPERATOR_OPTIONS, ...ROUTER_KEYS_OPTIONS, models: { type: "string" }, port: { type: "string" } },
  allowPositionals: true,
  optionHelp: {
    ...operatorOptionHelp("router"),
    ...routerKeysOptionHelp,
    models: "the on-chain model names it offers, comma-separated",
    port: "port on 127.0.0.1 (default: any free port)",
  },
  async run(args, ctx) {
    if (args.positionals[0] === "keys") return runRouterKeys(args, ctx);
    if (args.positionals.length > 0)
      throw new UsageError(`router takes no arguments other than "keys" (got "${args.positionals.join(" ")}")`);
    const models = stringOpt(args, "models", true)
      .split(",")
      .map((m) => m.trim())
      .filter((m) => m !== "");
    if (models.length === 0) throw new PouwError("INVALID_PARAMS", "--models names no model");
    const port = numberOpt(args, "port", { min: 1, max: 65535, integer: true });
    const { dataDir, deployment, provider, wallet } = await openOperator(args, "router");
    provider.destroy();
    const service = await startRouterService({
      info: { ...deployment, dataDir },
      requesterKeys: [wallet.privateKey],
      models,
      ...(port !== undefined ? { port } : {}),
      pollMs: 1_000,
      onLog: (line) => ctx.stderr.write(`${line}\n`),
    });
    endProgress(ctx);
    writeResult(
      ctx,
      {
        role: "router",
        address: wallet.address,
        chainId: deployment.chainId,
        url: service.url ?? null,
        models,
        dataDir,
      },
      (r) =>
        `Router at ${r.url} for ${r.models.join(", ")} on chain ${r.chainId}, paid by ${r.address}. Press Ctrl-C to stop.`,
    );
    await untilStopped(ctx);
    await service.stop();
    if (!ctx.json) ctx.stderr.write("router stopped\n");
    return 0;
  },
};
