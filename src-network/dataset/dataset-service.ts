import path from "node:path";
import type { DevnetInfo } from "../../src-shared/devnet-info.js";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { fileCursorStore } from "../../src-main/sync/cursor-store.js";
import { loadTopics } from "../demand/topic-catalogue.js";
import type { Service } from "../devnet/services.js";
import { DatasetCollector } from "./dataset-collector.js";
import { DatasetStore } from "./dataset-store.js";

export interface DatasetServiceOptions {
  dataDir: string;
  info: Pick<DevnetInfo, "rpcUrl" | "wsUrl" | "chainId" | "contracts" | "deployedAtBlock">;
  pollMs: number;
  /** A deployment's own topics file, added to the built-in catalogue. */
  topicsFile?: string;
  onLog(line: string): void;
}

/** Where a network's dataset lives: `<dataDir>/dataset/dataset.jsonl` (the export reads it there). */
export function datasetPaths(dataDir: string): { dir: string; file: string; cursor: string } {
  const dir = path.join(dataDir, "dataset");
  return { dir, file: path.join(dir, "dataset.jsonl"), cursor: path.join(dir, "cursor.json") };
}

/** The dataset collector beside the oracle: read-only on the chain, its store and cursor in `<dataDir>/dataset`. */
export async function startDatasetService(opts: DatasetServiceOptions): Promise<Service> {
  const paths = datasetPaths(opts.dataDir);
  const provider = createProvider(opts.info.rpcUrl, { chainId: opts.info.chainId, pollingInterval: 100 });
  const store = await DatasetStore.open(paths.file);
  const collector = new DatasetCollector({
    provider,
    wsUrl: opts.info.wsUrl,
    contracts: connectProtocol(opts.info, provider),
    store,
    topics: await loadTopics(opts.topicsFile),
    cursor: fileCursorStore(paths.cursor),
    startBlock: opts.info.deployedAtBlock,
    pollMs: opts.pollMs,
    onRecord: (taskId, result) => opts.onLog(`dataset: task ${taskId} ${result}`),
    onLog: opts.onLog,
  });
  const stop = async () => {
    await collector.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    provider.destroy();
  };
  try {
    await collector.start();
  } catch (err) {
    await stop();
    throw err;
  }
  opts.onLog(`dataset collector running (${store.all().length} records in ${paths.file})`);
  return { name: "dataset", pid: undefined, url: undefined, exited: new Promise(() => undefined), stop };
}
