import type { GpuProcess } from "../scheduler/yield-rules.js";

/**
 * Per-process GPU use from `nvidia-smi pmon -c 1 -s u` (the one NVIDIA tool that reports utilisation
 * per process). Its columns are named in a comment line ("# gpu pid type sm mem enc dec command"),
 * read from there rather than assumed; "-" means the driver has no figure. Processes on several
 * GPUs are summed once per pid at their busiest.
 */
export function parsePmon(output: string): GpuProcess[] {
  const lines = output.split(/\r?\n/);
  const header = lines.find((l) => /^#\s*gpu\b/i.test(l));
  if (!header) return [];
  const columns = header
    .replace(/^#\s*/, "")
    .trim()
    .split(/\s+/)
    .map((c) => c.toLowerCase());
  const at = (name: string) => columns.indexOf(name);
  const [pidAt, smAt, commandAt] = [at("pid"), at("sm"), at("command")];
  if (pidAt < 0 || commandAt < 0) return [];
  const byPid = new Map<number, GpuProcess>();
  for (const line of lines) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const cells = line.trim().split(/\s+/);
    const pid = Number(cells[pidAt]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const name = cells.slice(commandAt).join(" ");
    const sm = smAt >= 0 ? Number(cells[smAt]) : Number.NaN;
    const entry: GpuProcess = { pid, name, ...(Number.isFinite(sm) ? { gpuPercent: sm } : {}) };
    const seen = byPid.get(pid);
    if (!seen || (entry.gpuPercent ?? -1) > (seen.gpuPercent ?? -1)) byPid.set(pid, entry);
  }
  return [...byPid.values()];
}
