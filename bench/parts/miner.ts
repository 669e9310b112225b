import { ContractFactory, Wallet, zeroPadValue, type Contract, type Log } from "ethers";
import { startAnvil } from "../../src-main/chain/anvil.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { memoryCursorStore } from "../../src-main/sync/cursor-store.js";
import { LogSync } from "../../src-main/sync/log-sync.js";
import type { BenchPart, BenchRow } from "../types.js";
import { measureTaskLatency } from "./miner-latency.js";

// An assignment-shaped event emitted in bulk, so 10,000 past events take 20 transactions to make.
const EMITTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Emitter {
  event SlotAssigned(uint256 indexed taskId, address indexed miner, uint8 slot);
  function emitMany(uint256 from, uint256 n, address miner) external {
    for (uint256 i = 0; i < n; i++) emit SlotAssigned(from + i, miner, uint8(i % 5));
  }
}`;

const EVENTS = 10_000;
const PER_TX = 500;

export const minerPart: BenchPart = {
  name: "miner",
  description:
    "miner core: catch-up of past PoUW events through LogSync; assignment → ack latency and per-task overhead on the devnet",
  async run(log) {
    const { default: solc } = (await import("solc")) as { default: { compile(input: string): string } };
    const out = JSON.parse(
      solc.compile(
        JSON.stringify({
          language: "Solidity",
          sources: { "Emitter.sol": { content: EMITTER } },
          settings: {
            optimizer: { enabled: true, runs: 200 },
            evmVersion: "cancun",
            outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
          },
        }),
      ),
    ) as { contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
    const artifact = out.contracts["Emitter.sol"]!.Emitter!;

    let catchUp: BenchRow[];
    const anvil = await startAnvil({ extraArgs: ["--gas-limit", "300000000"] });
    try {
      const provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
      const signer = new Wallet(anvil.accounts[0]!.privateKey, provider);
      const emitter = (await new ContractFactory(
        artifact.abi as never,
        `0x${artifact.evm.bytecode.object}`,
        signer,
      ).deploy()) as Contract;
      await emitter.waitForDeployment();
      const miner = anvil.accounts[1]!.address;
      const other = anvil.accounts[2]!.address;
      const startBlock = await provider.getBlockNumber();
      log(
        `emitting ${EVENTS} events for this miner (and as many for another) in ${(2 * EVENTS) / PER_TX} transactions…`,
      );
      for (let i = 0; i < EVENTS; i += PER_TX) {
        await (await emitter.getFunction("emitMany")(i, PER_TX, miner)).wait();
        await (await emitter.getFunction("emitMany")(i, PER_TX, other)).wait();
      }
      // Spread the events over many blocks so the range splitting is exercised.
      await provider.send("anvil_mine", ["0x1000"]);

      let seen = 0;
      const topic = emitter.interface.getEvent("SlotAssigned")!.topicHash;
      const sync = new LogSync({
        provider,
        addresses: [String(emitter.target)],
        topics: [topic, null, zeroPadValue(miner, 32)],
        cursor: memoryCursorStore(),
        startBlock,
        maxRange: 2_000,
        pollMs: 60_000,
        onLogs: async (logs: Log[]) => {
          seen += logs.length;
        },
      });
      const t0 = performance.now();
      await sync.start();
      const ms = performance.now() - t0;
      await sync.stop();
      if (seen !== EVENTS) throw new Error(`caught up ${seen} events, expected ${EVENTS}`);
      catchUp = [
        { metric: `catch-up of ${EVENTS} past events`, value: ms / 1000, unit: "s", goal: "≤ 5 s", pass: ms <= 5_000 },
        { metric: "catch-up rate", value: EVENTS / (ms / 1000), unit: "events/s" },
      ];
    } finally {
      await anvil.stop();
    }
    return {
      rows: [...catchUp, ...(await measureTaskLatency(log))],
      notes: [
        "miner-side time = request broadcast → reveal mined, minus the worker's inference time: the sync's wake-up, chain reads, journal fsyncs, signing and three mined transactions (k = 1, automine)",
      ],
    };
  },
};
