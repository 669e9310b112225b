import { Interface, Wallet, type InterfaceAbi, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { revertName } from "../../src-main/chain/contracts.js";
import { deployProtocol, type DeployParams } from "../../src-main/chain/deploy.js";
import { IncentivePoolAbi, NodePoolAbi, PouwTasksAbi } from "../../src-main/chain/generated/index.js";
import { createProvider } from "../../src-main/chain/provider.js";

// Issue 13 item 10: constructors range-check their parameters; wiring is an event.
let anvil: AnvilInstance;
let provider: JsonRpcProvider;
let deployer: Wallet;
const errors = new Interface(
  [...NodePoolAbi, ...PouwTasksAbi, ...IncentivePoolAbi].filter((f) => f.type === "error") as InterfaceAbi,
);

beforeAll(async () => {
  anvil = await startAnvil({ accounts: 1 });
  provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId });
  deployer = new Wallet(anvil.accounts[0]!.privateKey, provider);
});
afterAll(async () => {
  provider?.destroy();
  await anvil?.stop();
});

/** The name argument of the ParamOutOfRange a deployment reverted with. */
async function refusedParam(overrides: Partial<DeployParams>): Promise<string> {
  const err = await deployProtocol(deployer, overrides).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(revertName(err)).toBe("ParamOutOfRange");
  const data =
    /data="(0x[0-9a-f]+)"/.exec(String((err as Error).message))?.[1] ?? (err as { data?: string }).data ?? "";
  return String(errors.parseError(data)?.args[0]);
}

describe("constructor range checks", () => {
  it("refuse fees above 100 %, a keeper fee above the slot price, a zero window or reveal cap, k < 3, a slash above the stake", async () => {
    expect(await refusedParam({ oracleFeeBps: 9_000, creatorFeeBps: 2_000 })).toBe("fees");
    expect(await refusedParam({ keeperFee: 10n ** 18n, minSlotPrice: 10n ** 17n })).toBe("keeperFee");
    expect(
      await refusedParam({
        windows: { request: 600, create: 300, prepare: 300, start: 0, precommit: 300, commit: 120 },
      }),
    ).toBe("windows");
    expect(await refusedParam({ maxRevealBytes: 0 })).toBe("maxRevealBytes");
    expect(await refusedParam({ maxBackgroundK: 2 })).toBe("maxBackgroundK");
    expect(await refusedParam({ slashAmount: 10n ** 21n, minStake: 10n ** 20n })).toBe("slashAmount");
  });

  it("accept the devnet defaults and announce the wiring", async () => {
    const { deployment, contracts } = await deployProtocol(deployer);
    const wired = await contracts.nodePool.contract.queryFilter(
      contracts.nodePool.contract.filters.Wired!(),
      deployment.deployedAtBlock,
    );
    expect(wired).toHaveLength(1);
    const poolWired = await contracts.incentivePool.contract.queryFilter(
      contracts.incentivePool.contract.filters.Wired!(),
      deployment.deployedAtBlock,
    );
    expect(poolWired).toHaveLength(1);
  });
});
