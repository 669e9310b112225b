import type { CommandSpec } from "../command.js";
import { benchCommand } from "./bench.js";
import { datasetCommand } from "./dataset.js";
import { devnetCommand } from "./devnet.js";
import { downloadCommand } from "./download.js";
import { embedCommand } from "./embed.js";
import { headlessCommand } from "./headless.js";
import { inferCommand } from "./infer.js";
import { modelsCommand } from "./models.js";
import { oracleCommand } from "./oracle.js";
import { probeCommand } from "./probe.js";
import { routerCommand } from "./router.js";
import { verifyCommand } from "./verify.js";
import { walletCommand } from "./wallet.js";

/** Every subcommand, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly CommandSpec[] = [
  probeCommand,
  modelsCommand,
  downloadCommand,
  inferCommand,
  embedCommand,
  verifyCommand,
  benchCommand,
  devnetCommand,
  datasetCommand,
  headlessCommand,
  oracleCommand,
  routerCommand,
  walletCommand,
];
