import { randomBytes } from "node:crypto";
import { access } from "node:fs/promises";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { createProvider, increaseTime } from "../../src-main/chain/provider.js";
import { readSlots } from "../../src-main/chain/task-views.js";
import { partialBytes } from "../../src-main/models/download.js";
import type { AppSnapshot } from "../../src-shared/app-contract.js";
import { openSessionHarness, type SessionHarness } from "./app-session-harness.js";
import { requestAndScoreTask, requestTask, scoreWhenRevealed, type DevnetView } from "./devnet-tasks.js";
import { waitFor } from "./miner-harness.js";

/**
 * The session's actions after the first run, through dispatchInvoke on a fresh devnet: stake
 * top-up, reward claim, unbonding and withdrawal (each estimated first; balances in the snapshot
 * move by exactly the amount and the gas paid; a shortfall is INSUFFICIENT_FUNDS with nothing
 * sent), and a second catalogue model's download cancelled, resumed and deleted.
 */
const PASSWORD = "correct horse battery";
const MiB = 1024 * 1024;
// Larger than ipull's 5 MiB chunk, so a resume is visible as a Range request past byte 0.
const BIG = { id: "pouw-big-test", name: "Big test model", bytes: randomBytes(12 * MiB) };

let h: SessionHarness | undefined;
let provider: JsonRpcProvider | undefined;
const harness = () => h!;
const call: SessionHarness["call"] = (method, params) => harness().call(method, params);
const fails: SessionHarness["fails"] = (method, params) => harness().fails(method, params);
const snap = () => harness().snap();
const chain = () => provider!;
const address = () => harness().session.address()!;
const devnet = (): DevnetView => {
  const net = harness().session.network;
  return { deployment: net.deployment, devAccounts: net.devAccounts ?? [], provider: chain() };
};

/** The balances the dashboard shows, as bigints. */
function balances(s: AppSnapshot = snap()) {
  const w = s.wallet!;
  return {
    native: BigInt(w.nativeWei),
    token: BigInt(w.tokenWei),
    stake: BigInt(w.stakeWei),
    claimable: BigInt(w.claimableWei),
    registered: BigInt(s.registration!.stakeWei),
  };
}

/** Gas paid by the wallet in the blocks after `fromBlock` (receipt fees, exact to the wei). */
async function gasPaidSince(fromBlock: number): Promise<bigint> {
  let paid = 0n;
  for (let n = fromBlock + 1; n <= (await chain().getBlockNumber()); n++) {
    const block = await chain().getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== address().toLowerCase()) continue;
      paid += (await chain().getTransactionReceipt(tx.hash))!.fee;
    }
  }
  return paid;
}

/** Leaves the wallet `wei` of the native currency while `run` goes, then gives back what it held. */
async function withNative<T>(wei: bigint, run: () => Promise<T>): Promise<T> {
  const held = await chain().getBalance(address());
  await chain().send("anvil_setBalance", [address(), `0x${wei.toString(16)}`]);
  try {
    return await run();
  } finally {
    await chain().send("anvil_setBalance", [address(), `0x${held.toString(16)}`]);
    // The snapshot may have polled the lowered balance: an action's answer waits for a fresh read.
    await call("completeSetupStep", { step: "hardware" });
  }
}

/** `action` fails with INSUFFICIENT_FUNDS on one line matching `why`, and sends nothing. */
async function refusedForFunds(
  method: "topUpStake" | "claimRewards" | "unbond" | "withdrawStake",
  params: unknown,
  why: RegExp,
): Promise<void> {
  const nonce = await chain().getTransactionCount(address());
  const error = await fails(method, params);
  expect(error).toMatchObject({ code: "INSUFFICIENT_FUNDS", message: expect.stringMatching(why) });
  expect(error.message).not.toContain("\n");
  expect(await chain().getTransactionCount(address())).toBe(nonce);
}

beforeAll(async () => {
  h = await openSessionHarness({ prefix: "pouw-app-actions-", extraModels: [BIG] });
  const net = h.session.network;
  provider = createProvider(net.rpcUrl, { chainId: net.chainId });
  // The first run, as app-session.test.ts drives and checks it step by step.
  await call("createWallet", { password: PASSWORD });
  await call("confirmBackup");
  await call("downloadModel", { id: h.catalogue.id });
  await waitFor("the tiny model's download", () => snap().downloads?.[h!.catalogue.id]?.state === "done", 20_000);
  await call("setActiveModel", { id: h.catalogue.id });
  await call("runBenchmark", {});
  await call("register", { stakeWei: snap().registration!.minStakeWei });
  expect(snap().setup?.complete).toBe(true);
});

afterAll(async () => {
  provider?.destroy();
  await h?.close();
});

describe("the app session's chain actions on the devnet", () => {
  it("tops up the stake after an estimate: the tokens move into the stake to the wei, gas aside", async () => {
    const before = balances();
    const amount = before.token / 4n;
    const estimate = await call("estimateAction", { action: "topUp", amountWei: amount.toString() });
    expect(estimate).toMatchObject({ action: "topUp", affordable: true });
    expect(BigInt(estimate.feeWei)).toBeGreaterThan(0n);

    const from = await chain().getBlockNumber();
    const tx = await call("topUpStake", { amountWei: amount.toString() });
    expect(tx).toEqual({ txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), amountWei: amount.toString() });
    const gas = await gasPaidSince(from);
    expect(gas).toBeGreaterThan(0n);
    expect(gas).toBeLessThanOrEqual(BigInt(estimate.feeWei));
    // Read at once: the action answers only after the snapshot shows its effect.
    expect(balances()).toEqual({
      ...before,
      token: before.token - amount,
      stake: before.stake + amount,
      registered: before.registered + amount,
      native: before.native - gas,
    });
  });

  it("refuses a top-up the wallet cannot pay: INSUFFICIENT_FUNDS naming what is missing, nothing sent", async () => {
    const before = balances();
    const tooMuch = (before.token + 1n).toString();
    expect(await call("estimateAction", { action: "topUp", amountWei: tooMuch })).toMatchObject({
      affordable: false,
      message: expect.stringMatching(/not enough tokens/),
    });
    await refusedForFunds(
      "topUpStake",
      { amountWei: tooMuch },
      /^not enough tokens to stake: it needs [\d.]+, the wallet holds [\d.]+$/,
    );

    await withNative(1_000n, async () => {
      const estimate = await call("estimateAction", { action: "topUp", amountWei: "1" });
      expect(estimate).toMatchObject({
        affordable: false,
        message: expect.stringMatching(/holds 1000 wei of the native currency; the fee may be up to \d+/),
      });
      await refusedForFunds(
        "topUpStake",
        { amountWei: "1" },
        /^not enough ETH for approve: it may cost up to [\d.]+, the wallet holds 0\.000000000000001$/,
      );
    });
    expect(balances()).toEqual(before);
  });

  it("claims a task's reward after an estimate: the claimable amount moves to the tokens exactly", async () => {
    expect(await call("startMining")).toMatchObject({ state: "mining" });
    const taskId = await requestAndScoreTask(devnet(), harness().session.modelId()!, address());
    const id = `${taskId}#0`;
    await waitFor("the task to reach End", () => snap().tasks.some((t) => t.id === id && t.stage === "End"), 30_000);
    const reward = BigInt(snap().tasks.find((t) => t.id === id)!.rewardWei!);
    expect(reward).toBeGreaterThan(0n);
    await waitFor("the reward to be claimable", () => balances().claimable === reward, 5_000);

    await withNative(1_000n, async () => {
      expect(await call("estimateAction", { action: "claim" })).toMatchObject({ action: "claim", affordable: false });
      await refusedForFunds(
        "claimRewards",
        {},
        /^not enough ETH for withdraw: it may cost up to [\d.]+, the wallet holds [\d.]+$/,
      );
    });
    expect(balances().claimable).toBe(reward);

    const before = balances();
    const estimate = await call("estimateAction", { action: "claim" });
    expect(estimate).toMatchObject({ action: "claim", affordable: true });
    const from = await chain().getBlockNumber();
    expect(await call("claimRewards")).toMatchObject({ amountWei: reward.toString() });
    const gas = await gasPaidSince(from);
    expect(gas).toBeLessThanOrEqual(BigInt(estimate.feeWei));
    expect(balances()).toEqual({ ...before, claimable: 0n, token: before.token + reward, native: before.native - gas });
    expect(await fails("claimRewards")).toMatchObject({
      code: "NOT_FOUND",
      message: "there are no rewards to withdraw",
    });
  });

  it("unbonds the whole stake, finishes the task in flight first, refuses to withdraw before the delay, and after it returns the stake", async () => {
    const stake = balances().registered;
    const half = (stake / 2n).toString();
    expect(await fails("estimateAction", { action: "unbond", amountWei: half })).toMatchObject({
      code: "INVALID_PARAMS",
      message: expect.stringMatching(/all or nothing/),
    });
    const nonce = await chain().getTransactionCount(address());
    expect(await fails("unbond", { amountWei: half })).toMatchObject({ code: "INVALID_PARAMS" });
    expect(await chain().getTransactionCount(address())).toBe(nonce);
    expect(snap().mining.state).toBe("mining");

    await withNative(1_000n, () => refusedForFunds("unbond", {}, /^not enough ETH for requestUnbond: /));
    // A refused unbond leaves the miner as it was.
    expect(snap().mining.state).toBe("mining");

    // A task in flight when the unbond is asked: answered and revealed, its PoI still to come.
    const protocol = connectProtocol(harness().session.network.deployment, chain());
    const taskId = await requestTask(devnet(), harness().session.modelId()!);
    await waitFor(
      "this miner's reveal",
      async () => (await readSlots(protocol.tasks, taskId, 1))[0]?.status === "Revealed",
      30_000,
    );
    await call("completeSetupStep", { step: "hardware" });

    const delay = Number(await protocol.nodePool.read("unbondingDelay"));
    expect(await call("estimateAction", { action: "unbond" })).toMatchObject({ action: "unbond", affordable: true });
    const before = balances();
    const from = await chain().getBlockNumber();
    expect(await call("unbond", {})).toMatchObject({ amountWei: stake.toString() });
    const unbondGas = await gasPaidSince(from);
    // Unbonding stops new assignments at once; the task in flight is drained, not dropped.
    expect(snap().mining).toEqual({ state: "stopping", reason: "Stopping: finishing 1 task in flight" });
    expect(balances()).toEqual({ ...before, native: before.native - unbondGas });
    await scoreWhenRevealed(devnet(), taskId, address());
    await waitFor("the stop once the task ended", () => snap().mining.state === "stopped", 20_000);
    expect(snap().mining.reason).toBe("Stopped by you");
    expect(
      BigInt(snap().tasks.find((t) => t.id === `${taskId}#0` && t.stage === "End")?.rewardWei ?? "0"),
    ).toBeGreaterThan(0n);
    const unbonding = snap().registration!;
    expect(unbonding.unbondingWei).toBe(stake.toString());
    // Wall-clock time, like every time in the snapshot.
    expect(Math.abs(unbonding.unbondingUntil! - (Date.now() + delay * 1000))).toBeLessThan(60_000);

    const nonceBonded = await chain().getTransactionCount(address());
    expect(await fails("estimateAction", { action: "withdrawStake" })).toMatchObject({
      code: "CHAIN_ERROR",
      message: expect.stringMatching(/StillBonded/),
    });
    expect(await fails("withdrawStake")).toMatchObject({
      code: "CHAIN_ERROR",
      message: expect.stringMatching(/StillBonded/),
    });
    expect(await chain().getTransactionCount(address())).toBe(nonceBonded);

    await increaseTime(chain(), delay + 1);
    // The chain now runs a week ahead of the wall clock: the stake is withdrawable *now*.
    await waitFor(
      "the view to say the stake can be withdrawn",
      () => (snap().registration?.unbondingUntil ?? Infinity) <= Date.now(),
      5_000,
    );
    const estimate = await call("estimateAction", { action: "withdrawStake" });
    expect(estimate).toMatchObject({ action: "withdrawStake", affordable: true });
    const unbonded = balances();
    const fromWithdraw = await chain().getBlockNumber();
    expect(await call("withdrawStake")).toMatchObject({ amountWei: stake.toString() });
    const gas = await gasPaidSince(fromWithdraw);
    expect(gas).toBeLessThanOrEqual(BigInt(estimate.feeWei));
    expect(balances()).toEqual({
      ...unbonded,
      token: unbonded.token + stake,
      stake: 0n,
      registered: 0n,
      native: unbonded.native - gas,
    });
    expect(snap().registration).toMatchObject({ registered: false, stakeWei: "0" });
    expect(snap().registration?.unbondingWei).toBeUndefined();
  });
});

describe("the app session's model downloads", () => {
  const bigFile = () => path.join(harness().dir, "models", `${BIG.id}.gguf`);
  const installed = async (id: string) => (await call("listModels")).find((m) => m.id === id)?.installed;

  it("cancel keeps the partial download and the next download resumes from it", async () => {
    const server = harness().catalogue.server;
    // ipull fetches the chunks (5 + 5 + 2 MiB) side by side, each stream here at 2 MiB/s: the small
    // one is done and saved at 6 MiB in all, well before the cancel at 8, the others 1 s later.
    server.setKnobs({ bytesPerSecond: 2 * MiB });
    expect(await call("downloadModel", { id: BIG.id })).toEqual({ started: true });
    await waitFor("8 MiB of the big model", () => (snap().downloads?.[BIG.id]?.progress?.bytes ?? 0) > 8 * MiB, 20_000);
    expect(await call("cancelDownload", { id: BIG.id })).toEqual({ cancelled: true });
    await waitFor("the cancel to show", () => snap().downloads?.[BIG.id]?.state === "cancelled", 10_000);
    expect(await partialBytes(path.dirname(bigFile()), path.basename(bigFile()))).toBeGreaterThan(0);
    expect(await installed(BIG.id)).toBe(false);
    expect(await call("cancelDownload", { id: BIG.id })).toEqual({ cancelled: false });

    server.setKnobs({});
    server.requests.length = 0;
    expect(await call("downloadModel", { id: BIG.id })).toEqual({ started: true });
    await waitFor("the resumed download to finish", () => snap().downloads?.[BIG.id]?.state === "done", 20_000);
    const ranged = server.requests.filter((r) => r.range !== undefined);
    expect(ranged.some((r) => Number(/^bytes=(\d+)-/.exec(r.range!)?.[1] ?? 0) > 0)).toBe(true);
    expect(ranged.reduce((n, r) => n + r.bytesSent, 0)).toBeLessThan(BIG.bytes.length);
    expect(await installed(BIG.id)).toBe(true);
  });

  it("refuses to delete the active model; deletes another one, which then lists as not installed", async () => {
    const active = harness().catalogue.id;
    expect(await fails("deleteModel", { id: active })).toMatchObject({
      code: "INVALID_PARAMS",
      message: expect.stringMatching(/active model/),
    });
    expect(await installed(active)).toBe(true);

    expect(await call("deleteModel", { id: BIG.id })).toEqual({ deleted: true });
    await expect(access(bigFile())).rejects.toThrow();
    expect(await installed(BIG.id)).toBe(false);
    expect(snap().downloads?.[BIG.id]).toBeUndefined();
    expect(await call("deleteModel", { id: BIG.id })).toEqual({ deleted: false });
  });
});
