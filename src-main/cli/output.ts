import type { CliContext } from "./command.js";

/**
 * The `--json` convention: stdout carries only JSON lines. Long work writes `{"type":"progress",…}`
 * lines as it goes and ends with exactly one `{"type":"result",…}` line; a failure ends with
 * `{"type":"error","error":{code,message}}`. Without `--json`, results are text for people and
 * progress goes to stderr so stdout stays pipeable.
 */
export function writeResult<T>(ctx: CliContext, result: T, human: (r: T) => string): void {
  if (ctx.json) ctx.stdout.write(JSON.stringify({ type: "result", ...asObject(result) }) + "\n");
  else ctx.stdout.write(ensureNewline(human(result)));
}

export function writeProgress(ctx: CliContext, event: Record<string, unknown>, human: () => string): void {
  if (ctx.json) ctx.stdout.write(JSON.stringify({ type: "progress", ...event }) + "\n");
  else if (isTty(ctx.stderr)) ctx.stderr.write(`\r\x1b[2K${human()}`);
  else ctx.stderr.write(ensureNewline(human()));
}

/** Ends a line of in-place progress on a terminal. */
export function endProgress(ctx: CliContext): void {
  if (!ctx.json && isTty(ctx.stderr)) ctx.stderr.write("\n");
}

export function progressBar(fraction: number, width = 24): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}] ${(f * 100).toFixed(1).padStart(5)}%`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}

function ensureNewline(s: string): string {
  return s.endsWith("\n") ? s : s + "\n";
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}
