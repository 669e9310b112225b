import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentFile, startDevnet } from "../../src-network/devnet/devnet.js";
import { deploymentCopyFile } from "../../src-network/devnet/deployment-copy.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-devnet-damaged-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("a damaged devnet deployment.json", () => {
  it("is replaced by the copy of the last good start: the same contracts, nothing redeployed, a warning", async () => {
    const first = await startDevnet({ dataDir: dir });
    const contracts = first.info.contracts;
    await first.stop();
    expect(JSON.parse(await readFile(deploymentCopyFile(dir), "utf8"))).toMatchObject({ contracts });

    await writeFile(deploymentFile(dir), '{"chainId": 31337, "contr');
    const warnings: string[] = [];
    const again = await startDevnet({ dataDir: dir, onWarning: (w) => warnings.push(w) });
    try {
      expect(again.deployed).toBe(false);
      expect(again.info.contracts).toEqual(contracts);
      expect(warnings).toEqual([
        expect.stringMatching(/deployment\.json is damaged; using the copy from the last good start/),
      ]);
      expect(JSON.parse(await readFile(deploymentFile(dir), "utf8"))).toMatchObject({ contracts });
    } finally {
      await again.stop();
    }
  }, 120_000);

  it("with no good copy either, deploys anew but says so: never silently", async () => {
    await writeFile(deploymentFile(dir), "not json");
    await writeFile(deploymentCopyFile(dir), "not json either");
    const warnings: string[] = [];
    const again = await startDevnet({ dataDir: dir, onWarning: (w) => warnings.push(w) });
    try {
      expect(again.deployed).toBe(true);
      expect(warnings).toEqual([
        expect.stringMatching(
          /damaged and no good copy of it exists: new contracts will be deployed, and a stake on the old ones stays there/,
        ),
      ]);
    } finally {
      await again.stop();
    }
  }, 120_000);
});
