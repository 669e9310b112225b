import type { CommandSpec } from "../command.js";
import { plannedCommand } from "./planned.js";
import { walletCommand } from "./wallet.js";

/** Every subcommand, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly CommandSpec[] = [
  plannedCommand({ name: "probe", summary: "show this machine's GPUs, CPU and memory", usage: "[--json]", issue: 3 }),
  plannedCommand({ name: "models", summary: "list the model catalogue with what fits this machine", usage: "[--json]", issue: 3 }),
  plannedCommand({ name: "download", summary: "download a model from the catalogue, with progress", usage: "<id> [--json]", issue: 3 }),
  plannedCommand({
    name: "infer",
    summary: "generate text with a model, deterministically",
    usage: "--model <file|id> --prompt <text> [--seed N --temperature T --max-tokens N] [--json]",
    issue: 3,
  }),
  plannedCommand({ name: "embed", summary: "embed texts with a model (Proof of Inference)", usage: "--model <file|id> <text…> --json", issue: 3 }),
  plannedCommand({ name: "bench", summary: "measure tokens/s, first-token time and thread choice", usage: "worker [--json]", issue: 3 }),
  plannedCommand({ name: "devnet", summary: "run a whole PoUW network on this machine", usage: "[--data-dir DIR] [--peers N] [--json]", issue: 5 }),
  plannedCommand({
    name: "headless",
    summary: "run the miner without a window and serve the dashboard on 127.0.0.1",
    usage: "[--network devnet|<deployment.json>] [--data-dir DIR] [--port N] [--password-file F]",
    issue: 6,
  }),
  walletCommand,
];
