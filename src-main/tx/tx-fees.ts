/** EIP-1559 fees of one signed attempt. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Fees for a replacement of a stuck transaction. Nodes accept a replacement only when both fees rise
 * by at least 10% (geth's and anvil's rule), so bump by `percent` (≥ 10) and never go below what
 * the network asks for now.
 */
export function bumpFees(previous: Fees, current: Partial<Fees>, percent = 15): Fees {
  const pct = BigInt(Math.max(10, Math.ceil(percent)));
  const up = (v: bigint) => (v * (100n + pct) + 99n) / 100n;
  const maxPriorityFeePerGas = max(up(previous.maxPriorityFeePerGas), current.maxPriorityFeePerGas ?? 0n);
  const maxFeePerGas = max(up(previous.maxFeePerGas), current.maxFeePerGas ?? 0n, maxPriorityFeePerGas);
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/** The most a transaction can cost: what the wallet must hold before it is sent. */
export function maxCost(gasLimit: bigint, fees: Fees, value = 0n): bigint {
  return gasLimit * fees.maxFeePerGas + value;
}

function max(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
