import type { ParseArgsConfig } from "node:util";
import type { Writable } from "node:stream";

/** Thrown for bad command-line input: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

export interface CliContext {
  /** `--json`: stdout carries JSON lines only (progress events, then one result). */
  readonly json: boolean;
  readonly verbose: boolean;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Aborted on SIGINT/SIGTERM so long work can stop cleanly. */
  readonly signal: AbortSignal;
}

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) after `pouw-miner <name>`. */
  usage: string;
  /** Extra help text: what each option means. */
  details?: string;
  options: OptionSpecs;
  /** One line per option for `--help`, keyed by option name. */
  optionHelp?: Record<string, string>;
  allowPositionals?: boolean;
  /** Returns the exit code (0 when undefined). */
  run(args: ParsedCommandArgs, ctx: CliContext): Promise<number | void>;
}

/** Convenience: a string option's value, or a UsageError naming it when required and absent. */
export function stringOpt(args: ParsedCommandArgs, name: string, required: true): string;
export function stringOpt(args: ParsedCommandArgs, name: string, required?: false): string | undefined;
export function stringOpt(args: ParsedCommandArgs, name: string, required = false): string | undefined {
  const v = args.values[name];
  if (v === undefined) {
    if (required) throw new UsageError(`missing required option --${name}`);
    return undefined;
  }
  if (typeof v !== "string") throw new UsageError(`--${name} takes a value`);
  return v;
}

/** A numeric option, checked against bounds, with a clear one-line error. */
export function numberOpt(
  args: ParsedCommandArgs,
  name: string,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = stringOpt(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  if (bounds.integer && !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  if (bounds.min !== undefined && n < bounds.min)
    throw new UsageError(`--${name} must be at least ${bounds.min}, got ${raw}`);
  if (bounds.max !== undefined && n > bounds.max)
    throw new UsageError(`--${name} must be at most ${bounds.max}, got ${raw}`);
  return n;
}
