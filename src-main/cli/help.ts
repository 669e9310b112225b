import type { CommandSpec, OptionSpecs } from "./command.js";

export function mainHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "pouw-miner — mine a decentralized AI-inference network with your GPU",
    "",
    "Usage: pouw-miner <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global options:",
    "  --json      machine-readable output: JSON lines on stdout (progress…, then one result)",
    "  --verbose   print stack traces with errors",
    "  -h, --help  help for a command: pouw-miner <command> --help",
    "",
    "Exit codes: 0 ok, 1 failure, 2 bad usage.",
    "",
  ].join("\n");
}

export function commandHelp(spec: CommandSpec): string {
  return [
    `pouw-miner ${spec.name} — ${spec.summary}`,
    "",
    `Usage: pouw-miner ${spec.name} ${spec.usage}`.trimEnd(),
    "",
    ...(spec.details ? [spec.details.trimEnd(), ""] : []),
    "Options:",
    ...formatOptions(spec.options, spec.optionHelp ?? {}),
    "  --json      machine-readable output",
    "  --verbose   print stack traces with errors",
    "  -h, --help  this help",
    "",
  ].join("\n");
}

function formatOptions(options: OptionSpecs, help: Record<string, string>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : "";
    const value = o.type === "string" ? " <value>" : "";
    return [`  ${short}--${name}${value}`, help[name] ?? ""] as const;
  });
  const width = Math.max(12, ...rows.map(([left]) => left.length));
  return rows.map(([left, text]) => (text ? `${left.padEnd(width)}  ${text}` : left));
}
