import path from "node:path";
import { ensureTinyLlamaModel } from "../../../src-shared/node/gguf/tiny-llama.js";
import { startOracleService } from "../../../src-network/devnet/oracle-service.js";
import { numberOpt, stringOpt, type CommandSpec } from "../command.js";
import { endProgress, writeResult } from "../output.js";
import { OPERATOR_OPTIONS, openOperator, operatorOptionHelp, untilStopped } from "./operator.js";

export const oracleCommand: CommandSpec = {
  name: "oracle",
  summary: "run an oracle node for a network (an operator's machine)",
  usage: "--network FILE [--data-dir DIR] [--password-file F] [--embedding-model FILE] [--threads N] [--json]",
  details: [
    "Watches every task of the network's deployment: advances tasks past their deadlines, reassigns",
    "stalled miners, and decides Proof of Inference by embedding the revealed outputs in its own",
    "worker process. Registers the wallet in DIR as an oracle with the minimum stake on first start",
    "(the wallet must hold it and gas money). Its journal and cursors live in DIR/oracle, so a",
    "restart — or kill -9 — resumes without sending anything twice. Runs until Ctrl-C or SIGTERM.",
  ].join("\n"),
  options: { ...OPERATOR_OPTIONS, "embedding-model": { type: "string" }, threads: { type: "string" } },
  optionHelp: {
    ...operatorOptionHelp("oracle"),
    "embedding-model": "GGUF (mean pooling) the oracle embeds outputs with (default: the project's tiny model)",
    threads: "threads of the embedding worker (default 1)",
  },
  async run(args, ctx) {
    const threads = numberOpt(args, "threads", { min: 1, max: 256, integer: true }) ?? 1;
    const { dataDir, deployment, provider, wallet } = await openOperator(args, "oracle");
    provider.destroy();
    const given = stringOpt(args, "embedding-model");
    const embeddingModelPath = given
      ? path.resolve(given)
      : (await ensureTinyLlamaModel(path.join(dataDir, "models"))).meanPool.path;
    const service = await startOracleService({
      dataDir,
      info: deployment,
      privateKey: wallet.privateKey,
      embeddingModelPath,
      threads,
      pollMs: 1_000,
      onLog: (line) => ctx.stderr.write(`${line}\n`),
    });
    endProgress(ctx);
    writeResult(
      ctx,
      { role: "oracle", address: wallet.address, chainId: deployment.chainId, dataDir },
      (r) => `Oracle ${r.address} serving chain ${r.chainId} (data in ${r.dataDir}). Press Ctrl-C to stop.`,
    );
    await untilStopped(ctx);
    await service.stop();
    if (!ctx.json) ctx.stderr.write("oracle stopped\n");
    return 0;
  },
};
