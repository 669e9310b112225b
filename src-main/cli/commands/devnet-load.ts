import { readFile } from "node:fs/promises";
import path from "node:path";
import { DevnetInfo } from "../../../src-shared/devnet-info.js";
import { PouwError } from "../../../src-shared/errors.js";
import { deploymentFile } from "../../../src-network/devnet/devnet.js";
import { createDevnetRouterKey } from "../../../src-network/devnet/router-service.js";
import { appDataDir } from "../../paths.js";
import { ROUTER_KEY_ENV, secretEnv } from "../../runtime/secret-env.js";
import { runLoad, type LoadReport, type Percentiles } from "../../../src-network/router/load.js";
import { UsageError, numberOpt, stringOpt, type CliContext, type ParsedCommandArgs } from "../command.js";
import { endProgress, writeProgress, writeResult } from "../output.js";

/**
 * `pouw-miner devnet load`: drives a router (the running devnet's by default) and reports
 * throughput, latency per task state and failures. Exit 1 when any request failed.
 */
export async function runLoadCommand(args: ParsedCommandArgs, ctx: CliContext): Promise<number> {
  const requests = numberOpt(args, "requests", { min: 1, max: 1_000_000, integer: true }) ?? 100;
  const concurrency = numberOpt(args, "concurrency", { min: 1, max: 1_000, integer: true }) ?? 10;
  const maxTokens = numberOpt(args, "max-tokens", { min: 1, max: 4_096, integer: true });
  const model = stringOpt(args, "model");
  let routerUrl = stringOpt(args, "router-url");
  let apiKey = stringOpt(args, "api-key") ?? secretEnv(ROUTER_KEY_ENV);
  if (routerUrl !== undefined && args.values["data-dir"] !== undefined)
    throw new UsageError("give --router-url or --data-dir, not both");
  if (routerUrl === undefined) {
    const dataDir = path.resolve(stringOpt(args, "data-dir") ?? path.join(appDataDir(), "devnet"));
    const info = await readDevnetInfo(deploymentFile(dataDir));
    if (!info.routerUrl)
      throw new PouwError("NOT_FOUND", `the devnet in ${dataDir} runs no router (was it started with --chain-only?)`);
    routerUrl = info.routerUrl;
    // Our own devnet: a key of its own for this run, limited to the run's tasks.
    apiKey ??= (await createDevnetRouterKey(info, { tasks: requests, label: "devnet load" })).key;
  }
  if (!apiKey)
    throw new UsageError(
      `give the router's API key with --api-key or ${ROUTER_KEY_ENV} (create one with pouw-miner router keys create)`,
    );
  const report = await runLoad({
    routerUrl,
    apiKey,
    requests,
    concurrency,
    ...(model ? { model } : {}),
    ...(maxTokens ? { maxTokens } : {}),
    signal: ctx.signal,
    onProgress: (done, total) =>
      writeProgress(ctx, { done, total, fraction: done / total }, () => `load: ${done}/${total} requests`),
  });
  endProgress(ctx);
  writeResult(ctx, report, reportText);
  return report.failed > 0 ? 1 : 0;
}

export async function readDevnetInfo(file: string): Promise<DevnetInfo> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch {
    throw new PouwError(
      "NOT_FOUND",
      `no devnet deployment at ${file}: start one with pouw-miner devnet, or give --router-url`,
    );
  }
  const parsed = DevnetInfo.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new PouwError("INVALID_PARAMS", `${file} is not a devnet deployment file`);
  return parsed.data;
}

function reportText(r: LoadReport): string {
  const pct = (p: Percentiles) => `p50 ${ms(p.p50)}  p90 ${ms(p.p90)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`;
  const failures = Object.entries(r.failures)
    .map(([code, n]) => `${code} ×${n} (${r.failureMessages[code] ?? ""})`)
    .join(", ");
  return [
    `${r.ok}/${r.requests} requests answered by ${r.routerUrl} (${r.model}), ${r.concurrency} at a time, in ${(r.wallMs / 1000).toFixed(1)} s`,
    `  throughput     ${r.tasksPerSecond.toFixed(2)} tasks/s`,
    `  answer         ${pct(r.latencyMs)}`,
    ...Object.entries(r.stateMs).map(([state, p]) => `  ${state.padEnd(14)} ${pct(p)}`),
    `  failures       ${r.failed === 0 ? "none" : failures}`,
  ].join("\n");
}

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}
