import type { CommandSpec } from "../command.js";
import { benchCommand } from "./bench.js";
import { devnetCommand } from "./devnet.js";
import { downloadCommand } from "./download.js";
import { embedCommand } from "./embed.js";
import { inferCommand } from "./infer.js";
import { modelsCommand } from "./models.js";
import { plannedCommand } from "./planned.js";
import { probeCommand } from "./probe.js";
import { walletCommand } from "./wallet.js";

/** Every subcommand, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly CommandSpec[] = [
  probeCommand,
  modelsCommand,
  downloadCommand,
  inferCommand,
  embedCommand,
  benchCommand,
  devnetCommand,
  plannedCommand({
    name: "headless",
    summary: "run the miner without a window and serve the dashboard on 127.0.0.1",
    usage: "[--network devnet|<deployment.json>] [--data-dir DIR] [--port N] [--password-file F]",
    issue: 6,
  }),
  walletCommand,
];
