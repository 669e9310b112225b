import path from "node:path";
import type { Embedder } from "../../src-network/oracle/embedder.js";
import { BagOfWordsEmbedder } from "../helpers/fake-embedder.js";
import { openOracle, type OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import type { Chain } from "./fixture.js";

/** An oracle node for chain tests: the fake embedder, fast polling, errors collected in `errors`. */
export async function startTestOracle(
  chain: Chain,
  dir: string,
  errors: unknown[],
  index = 0,
  dirName = "oracle",
  embedder: Embedder = new BagOfWordsEmbedder(),
): Promise<OpenedOracle> {
  const o = chain.oracles[index]!;
  const oracle = await openOracle({
    dir: path.join(dir, dirName),
    signer: o.wallet,
    provider: chain.provider,
    contracts: o.c,
    embedder,
    startBlock: chain.deployment.deployedAtBlock,
    pollMs: 100,
    txQueue: { pollMs: 20 },
    onError: (err) => errors.push(err),
  });
  await oracle.node.start();
  return oracle;
}
