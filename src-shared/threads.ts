/**
 * Inference thread count from the CPU probe. llama.cpp's matmuls are memory-bound and spin-wait, so
 * threads beyond physical cores (hyper-threads) only fight each other, and taking every core makes
 * the desktop stutter. On a 2-core machine node-llama-cpp's default of 4 threads was ~700x slower
 * than 1 thread, so the rule is: physical cores minus one for the desktop, never below 1.
 */
export interface CpuCores {
  physicalCores: number;
  logicalCores: number;
}

export function chooseThreads(cpu: CpuCores): number {
  const cores = usableCores(cpu);
  return Math.max(1, cores - 1);
}

/**
 * Thread counts worth measuring in a benchmark sweep: 1, powers of two, the chosen count and all
 * physical cores — ascending, without duplicates, never above physical cores.
 */
export function threadCandidates(cpu: CpuCores): number[] {
  const cores = usableCores(cpu);
  const set = new Set<number>([1, chooseThreads(cpu), cores]);
  for (let n = 2; n < cores; n *= 2) set.add(n);
  return [...set].sort((a, b) => a - b);
}

function usableCores(cpu: CpuCores): number {
  const physical = Number.isFinite(cpu.physicalCores) ? Math.floor(cpu.physicalCores) : 1;
  const logical = Number.isFinite(cpu.logicalCores) ? Math.floor(cpu.logicalCores) : physical;
  // Some VMs report more physical than logical cores; the smaller number is the real limit.
  return Math.max(1, Math.min(physical, logical > 0 ? logical : physical));
}
