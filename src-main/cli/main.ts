import { parseArgs } from "node:util";
import { PouwError, firstLine, toErrorShape } from "../../src-shared/errors.js";
import { holdSecretEnv } from "../runtime/secret-env.js";
import { UsageError, type CliContext, type CommandSpec } from "./command.js";
import { commands } from "./commands/index.js";
import { commandHelp, mainHelp } from "./help.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const GLOBAL_OPTIONS = {
  json: { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface CliIo {
  stdout: NodeJS.WritableStream & CliContext["stdout"];
  stderr: NodeJS.WritableStream & CliContext["stderr"];
  signal?: AbortSignal;
  /** Secret variables bin/pouw-miner.js took out of the environment before anything started a child. */
  secretEnv?: Record<string, string>;
}

/** Runs the CLI in-process and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (io.secretEnv) holdSecretEnv(process.env, io.secretEnv);
  const verbose = argv.includes("--verbose");
  const json = argv.includes("--json");
  const ctx: CliContext = {
    json,
    verbose,
    stdout: io.stdout,
    stderr: io.stderr,
    signal: io.signal ?? new AbortController().signal,
  };
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" ? rest[0] : undefined;
      const spec = topic ? findCommand(topic) : undefined;
      io.stdout.write(spec ? commandHelp(spec) : mainHelp(commands));
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === "--version") {
      io.stdout.write(`${await packageVersion()}\n`);
      return EXIT_OK;
    }
    const spec = findCommand(name);
    if (!spec) throw new UsageError(`unknown command "${name}" (see pouw-miner --help)`);
    const parsed = parseCommandArgs(spec, rest);
    if (parsed.values.help) {
      io.stdout.write(commandHelp(spec));
      return EXIT_OK;
    }
    return (await spec.run(parsed, ctx)) ?? EXIT_OK;
  } catch (err) {
    return reportError(err, ctx);
  }
}

function findCommand(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}

function parseCommandArgs(spec: CommandSpec, args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | string[] | boolean[] | undefined>, positionals };
  } catch (err) {
    // node's parseArgs messages are long and mention internals; keep the first sentence.
    const msg = err instanceof Error ? (err.message.split(". ")[0] ?? err.message) : String(err);
    throw new UsageError(`${msg.replace(/^Unknown option/, "unknown option")} (see pouw-miner ${spec.name} --help)`);
  }
}

function reportError(err: unknown, ctx: CliContext): number {
  const usage = err instanceof UsageError;
  const shape = usage ? { code: "BAD_USAGE" as const, message: firstLine(err.message) } : toErrorShape(err);
  if (ctx.json) ctx.stdout.write(JSON.stringify({ type: "error", error: shape }) + "\n");
  ctx.stderr.write(`pouw-miner: ${shape.message}\n`);
  if (ctx.verbose && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
  else if (!usage && !(err instanceof PouwError)) ctx.stderr.write("(run with --verbose for details)\n");
  return usage ? EXIT_USAGE : EXIT_FAILURE;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
