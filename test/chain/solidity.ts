/** Compiles one test-only Solidity source (solc-js, same settings as contracts/) to ABI + bytecode. */
export async function compileSolidity(source: string, name: string): Promise<{ abi: unknown[]; bytecode: string }> {
  const { default: solc } = (await import("solc")) as { default: { compile(input: string): string } };
  const input = {
    language: "Solidity",
    sources: { [`${name}.sol`]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts?.[`${name}.sol`]?.[name];
  if (!c) throw new Error(`solc produced no ${name}`);
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}
