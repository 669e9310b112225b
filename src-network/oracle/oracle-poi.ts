import { toBeHex, toUtf8String, Utf8ErrorFuncs, zeroPadValue, type JsonRpcProvider } from "ethers";
import { computePoi, type PoiResult } from "../../src-shared/poi.js";
import { decodeTaskLog, eventTopics } from "../../src-main/miner/task-events.js";
import type { Embedder } from "./embedder.js";

export interface RevealedOutputs {
  /** Per slot: the revealed text, or null for a slot with no inline reveal. */
  texts: Array<string | null>;
}

/**
 * Reads every Revealed event of one task from the chain (not from memory, so a restarted oracle
 * gets the same outputs). Hash-only reveals carry a URI, not text: they count as unreadable (null)
 * and score 0 until the oracle can fetch them.
 */
export async function revealedOutputs(
  provider: JsonRpcProvider,
  tasksAddress: string,
  taskId: bigint,
  k: number,
  fromBlock: number,
): Promise<RevealedOutputs> {
  const logs = await provider.getLogs({
    address: tasksAddress,
    topics: [eventTopics(["Revealed"]), zeroPadValue(toBeHex(taskId), 32)],
    fromBlock,
    toBlock: "latest",
  });
  const texts: Array<string | null> = Array.from({ length: k }, () => null);
  for (const log of logs) {
    const e = decodeTaskLog(log);
    if (e?.name !== "Revealed" || e.taskId !== taskId || !e.inline || e.slot >= k) continue;
    texts[e.slot] = toUtf8String(e.data, Utf8ErrorFuncs.replace);
  }
  return { texts };
}

/** Embeds the readable outputs (each distinct text once) and scores every slot against the medoid. */
export async function scoreOutputs(embedder: Embedder, texts: ReadonlyArray<string | null>): Promise<PoiResult> {
  const distinct = [...new Set(texts.filter((t): t is string => t !== null && t.trim() !== ""))];
  const vectors = distinct.length > 0 ? await embedder.embed(distinct) : [];
  const byText = new Map(distinct.map((t, i) => [t, vectors[i] ?? null]));
  return computePoi(texts.map((t) => (t === null ? null : (byText.get(t) ?? null))));
}
