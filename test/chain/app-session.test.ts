import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../../src-main/chain/provider.js";
import { applyPatch } from "../../src-shared/json-patch.js";
import { openSessionHarness, type SessionHarness } from "./app-session-harness.js";
import { requestAndScoreTask } from "./devnet-tasks.js";
import { waitFor } from "./miner-harness.js";

/**
 * The first run as the dashboard drives it, through dispatchInvoke (what both transports call) on
 * a fresh embedded devnet: hardware, wallet, back-up, download from 127.0.0.1, benchmark,
 * estimate and register, mining a task to End; then a restart that resumes where it stopped.
 */
const PASSWORD = "correct horse battery";
let h: SessionHarness | undefined;
const harness = () => h!;
const call: SessionHarness["call"] = (method, params) => harness().call(method, params);
const fails: SessionHarness["fails"] = (method, params) => harness().fails(method, params);
const snap = () => harness().snap();

beforeAll(async () => {
  // Slow enough that the download reports progress before it ends.
  h = await openSessionHarness({ prefix: "pouw-app-session-", knobs: { bytesPerSecond: 400_000 } });
});

afterAll(async () => {
  await h?.close();
});

describe("the app session's first run on the devnet", () => {
  it("starts in set-up mode with no wallet, and probes the hardware", async () => {
    expect(snap().setup).toEqual({ done: [], complete: false, wallet: "none" });
    expect(await fails("startMining")).toMatchObject({ code: "SETUP_INCOMPLETE" });
    expect(await fails("unlockWallet", { password: PASSWORD })).toMatchObject({ code: "NOT_FOUND" });
    const hw = await call("getHardware");
    expect(hw.probe.cpu.logicalCores).toBeGreaterThan(0);
    expect(hw.fit.map((f) => f.id)).toEqual([harness().catalogue.id]);
    expect(snap().hardware?.cpu).toBe(hw.probe.cpu.brand);
    expect((await call("completeSetupStep", { step: "hardware" })).done).toEqual(["hardware"]);
  });

  it("creates a funded wallet and shows the recovery phrase once, refused after the back-up", async () => {
    const { address } = await call("createWallet", { password: PASSWORD });
    expect(snap().setup?.wallet).toBe("unlocked");
    expect(snap().walletAddress).toBe(address);
    expect(BigInt(snap().wallet!.nativeWei)).toBeGreaterThan(0n);
    expect(BigInt(snap().wallet!.tokenWei)).toBeGreaterThanOrEqual(BigInt(snap().registration!.minStakeWei));
    expect(await fails("revealRecoveryPhrase", { password: "not the password" })).toMatchObject({
      code: "WRONG_PASSWORD",
    });
    const { words } = await call("revealRecoveryPhrase", { password: PASSWORD });
    expect(words).toHaveLength(12);
    expect((await call("confirmBackup")).done).toEqual(["hardware", "wallet", "backup"]);
    expect(await fails("revealRecoveryPhrase", { password: PASSWORD })).toMatchObject({ code: "INVALID_PARAMS" });
    expect(snap().wallet?.backedUp).toBe(true);
  });

  it("downloads the model from 127.0.0.1 with progress in the patches, and makes it active", async () => {
    const from = harness().session.getSnapshot();
    const seen = harness().patches.length;
    expect(await call("downloadModel", { id: harness().catalogue.id })).toEqual({ started: true });
    expect(await call("downloadModel", { id: harness().catalogue.id })).toEqual({ started: false });
    await waitFor("the download to finish", () => snap().downloads?.[harness().catalogue.id]?.state === "done", 20_000);
    const progress = harness()
      .patches.slice(seen)
      .flatMap((p) => p.ops)
      .filter((op) => op.path.startsWith(`/downloads/${harness().catalogue.id}`));
    expect(progress.length).toBeGreaterThan(1);
    // The patches rebuild the snapshot exactly, download progress included.
    const rebuilt = harness()
      .patches.slice(seen)
      .reduce((doc, p) => applyPatch(doc, p.ops), from.snapshot);
    expect(rebuilt).toEqual(snap());
    const listed = await call("listModels");
    expect(listed).toEqual([
      expect.objectContaining({ id: harness().catalogue.id, installed: true, active: false, fit: expect.any(String) }),
    ]);
    expect(await call("setActiveModel", { id: harness().catalogue.id })).toEqual({
      activeModelId: harness().catalogue.id,
    });
    expect(snap().activeModelId).toBe(harness().catalogue.id);
    expect(snap().setup?.done).toContain("model");
  });

  it("refuses to register before the benchmark, then benchmarks the model in the worker", async () => {
    expect(await fails("register", { stakeWei: snap().registration!.minStakeWei })).toMatchObject({
      code: "SETUP_INCOMPLETE",
      message: expect.stringMatching(/benchmark/),
    });
    const result = await call("runBenchmark", {});
    expect(result).toMatchObject({ modelId: harness().catalogue.id, threads: 1 });
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    expect(snap().benchmark).toMatchObject({ running: false, result });
    expect(snap().setup?.done).toContain("benchmark");
    expect((await call("listModels"))[0]?.benchmark).toEqual(result);
  });

  it("estimates the registration, registers, and mines a task to End with earnings and history", async () => {
    const minStake = snap().registration!.minStakeWei;
    const estimate = await call("estimateAction", { action: "register", amountWei: minStake });
    expect(estimate).toMatchObject({ action: "register", affordable: true });
    expect(BigInt(estimate.feeWei)).toBeGreaterThan(0n);
    const tooMuch = await call("estimateAction", {
      action: "register",
      amountWei: (BigInt(snap().wallet!.tokenWei) + 1n).toString(),
    });
    expect(tooMuch).toMatchObject({ affordable: false, message: expect.stringMatching(/not enough tokens/) });

    const tx = await call("register", { stakeWei: minStake });
    expect(tx.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(snap().registration).toMatchObject({ registered: true, stakeWei: minStake, models: ["pouw-tiny-llama"] });
    expect(snap().setup?.complete).toBe(true);

    expect(await call("startMining")).toMatchObject({ state: "mining" });
    const net = harness().session.network;
    const provider = createProvider(net.rpcUrl, { chainId: net.chainId });
    try {
      const taskId = await requestAndScoreTask(
        { deployment: net.deployment, devAccounts: net.devAccounts ?? [], provider },
        harness().session.modelId()!,
        harness().session.address()!,
      );
      const id = `${taskId}#0`;
      await waitFor("the task to reach End", () => snap().tasks.some((t) => t.id === id && t.stage === "End"), 30_000);
      const live = snap().tasks.find((t) => t.id === id)!;
      expect(live.states?.map((s) => s.state)).toEqual(expect.arrayContaining(["Start", "Precommit", "Commit", "End"]));
      expect(live).toMatchObject({ kind: "user", outcome: "Completed" });
      expect(BigInt(live.rewardWei!)).toBeGreaterThan(0n);

      const { earnings } = snap();
      expect(earnings.today).toMatchObject({ userWei: live.rewardWei, tasks: 1 });
      expect(earnings.week?.userWei).toBe(live.rewardWei);
      expect(earnings.hourly).toHaveLength(24);
      expect(earnings.daily).toHaveLength(30);
      expect(earnings.hourly!.at(-1)!.userWei).toBe(live.rewardWei);
      expect(BigInt(earnings.projectedDailyWei ?? "0")).toBeGreaterThan(0n);

      expect(await call("listTasks", { kind: "user" })).toMatchObject({ total: 1, rows: [{ id, stage: "End" }] });
      expect(await call("listTasks", { kind: "background" })).toEqual({ total: 0, rows: [] });
      const detail = await call("getTask", { id });
      expect(detail).toMatchObject({ id, outcome: "Completed", rewardWei: live.rewardWei, poiScoreBps: 9_500 });
      expect(BigInt(detail.gasSpentWei)).toBeGreaterThan(0n);
      await waitFor(
        "the claimable reward in the wallet view",
        () => snap().wallet?.claimableWei === live.rewardWei,
        5_000,
      );
    } finally {
      provider.destroy();
    }
    expect((await call("getSamples")).length).toBeGreaterThan(0);
    const logs = await call("getLogs", { level: "info" });
    expect(logs.some((l) => /miner ready/.test(l.message))).toBe(true);
  });

  it("after a restart resumes locked; a wrong password loses nothing; unlocking mines again", async () => {
    const before = snap();
    await harness().restart();
    expect(snap().setup).toEqual({
      done: ["hardware", "wallet", "backup", "model", "benchmark", "register"],
      complete: false,
      wallet: "locked",
    });
    expect(snap().walletAddress).toBe(before.walletAddress);
    expect(await fails("unlockWallet", { password: "wrong password" })).toMatchObject({ code: "WRONG_PASSWORD" });
    expect(snap().setup?.wallet).toBe("locked");
    expect(await call("unlockWallet", { password: PASSWORD })).toEqual({ address: before.walletAddress });
    await waitFor("the returning miner to mine again", () => snap().mining.state === "mining", 30_000);
    expect(snap().setup?.complete).toBe(true);
    expect((await call("listTasks", {})).total).toBe(1);
    expect(snap().earnings.totalWei).toBe(before.earnings.totalWei);
  });
});
