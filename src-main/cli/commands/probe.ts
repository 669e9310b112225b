import type { HardwareProbe } from "../../../src-shared/hardware.js";
import { withWorker } from "../../worker-client/with-worker.js";
import type { CommandSpec } from "../command.js";
import { formatBytes, writeResult } from "../output.js";

export const probeCommand: CommandSpec = {
  name: "probe",
  summary: "show this machine's GPUs, CPU and memory",
  usage: "[--json]",
  details: "Probed from the inference worker, so the GPU backend shown is the one models will really use.",
  options: {},
  async run(_args, ctx) {
    const probe = await withWorker((worker) => worker.call("probe", {}, { signal: ctx.signal }));
    writeResult(ctx, probe, describeProbe);
  },
};

export function describeProbe(p: HardwareProbe): string {
  const lines = [
    `backend: ${p.backend}`,
    `cpu:     ${p.cpu.brand}, ${p.cpu.physicalCores} physical / ${p.cpu.logicalCores} logical cores`,
    `memory:  ${formatBytes(p.memory.freeBytes)} free of ${formatBytes(p.memory.totalBytes)}`,
  ];
  if (p.gpus.length === 0) lines.push("gpus:    none found");
  for (const g of p.gpus) {
    const vram = g.vramBytes !== undefined ? `, ${formatBytes(g.vramBytes)}` : "";
    const driver = g.driver ? `, driver ${g.driver}` : "";
    lines.push(`gpu:     ${g.vendor} ${g.model}${vram}${driver}${g.backend ? ` (${g.backend})` : ""}`);
  }
  if (p.vram) lines.push(`vram:    ${formatBytes(p.vram.free)} free of ${formatBytes(p.vram.total)}`);
  if (p.temperatures?.cpuC !== undefined) lines.push(`cpu temperature: ${p.temperatures.cpuC} °C`);
  if (p.temperatures?.gpuC !== undefined) lines.push(`gpu temperature: ${p.temperatures.gpuC} °C`);
  lines.push(`os:      ${p.os.platform} ${p.os.arch} ${p.os.release}`);
  for (const e of p.errors) lines.push(`(could not read ${e.source}: ${e.message})`);
  return lines.join("\n");
}
