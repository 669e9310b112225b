import { ZeroHash } from "ethers";
import { sha256File } from "../../src-shared/node/file-hash.js";
import type { IncentivePool } from "../../src-main/chain/contracts.js";
import { modelIdOf } from "../../src-main/chain/task-views.js";
import { modelNameOf } from "../../src-main/miner/model-name.js";

/**
 * Approves the devnet's model for network-paid tasks and pins its Proof-of-Inference embedding
 * model, each to the sha256 of its GGUF file (the IncentivePool owner, i.e. the deployer, signs).
 * Idempotent: a pin already on chain with the same hash sends nothing.
 */
export async function ensureModelsPinned(
  pool: IncentivePool,
  files: { served: string; embedding: string },
  onLog?: (line: string) => void,
): Promise<void> {
  const served = { path: files.served };
  const embedding = { path: files.embedding };
  const servedId = modelIdOf(modelNameOf(served.path));
  const servedSha = `0x${(await sha256File(served.path)).sha256}`;
  if ((await pool.read("modelSha256", servedId)).toLowerCase() !== servedSha) {
    await pool.send("approveModel", servedId, servedSha);
    onLog?.(`approved ${modelNameOf(served.path)} for network-paid tasks (sha256 ${servedSha.slice(2, 14)}…)`);
  }
  const embeddingId = modelIdOf(modelNameOf(embedding.path));
  const embeddingSha = `0x${(await sha256File(embedding.path)).sha256}`;
  const [pinnedId, pinnedSha] = await Promise.all([pool.read("embeddingModelId"), pool.read("embeddingModelSha256")]);
  if (pinnedSha === ZeroHash || pinnedId.toLowerCase() !== embeddingId || pinnedSha.toLowerCase() !== embeddingSha) {
    await pool.send("pinEmbeddingModel", embeddingId, embeddingSha);
    onLog?.(`pinned ${modelNameOf(embedding.path)} as the Proof-of-Inference embedding model`);
  }
}
