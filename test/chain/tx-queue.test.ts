import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Transaction, Wallet, parseEther, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAnvil, type AnvilInstance } from "../../src-main/chain/anvil.js";
import { createProvider } from "../../src-main/chain/provider.js";
import { Journal } from "../../src-main/tx/journal.js";
import { TxQueue } from "../../src-main/tx/tx-queue.js";

let anvil: AnvilInstance;
let provider: JsonRpcProvider;
let dir: string;
let funder: Wallet;

beforeAll(async () => {
  anvil = await startAnvil();
  provider = createProvider(anvil.rpcUrl, { chainId: anvil.chainId, pollingInterval: 20 });
  funder = new Wallet(anvil.accounts[0]!.privateKey, provider);
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-txq-"));
});
afterAll(async () => {
  await anvil?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let wallet: Wallet;
let journalPath: string;
beforeEach(async () => {
  await provider.send("evm_setAutomine", [true]);
  wallet = new Wallet(Wallet.createRandom().privateKey, provider);
  await (await funder.sendTransaction({ to: wallet.address, value: parseEther("1") })).wait();
  journalPath = path.join(dir, `${wallet.address}.jsonl`);
});

const transfer = (taskId: string, action = "pay") => ({
  taskId,
  action,
  to: anvil.accounts[5]!.address,
  data: "0x",
  value: 1000n,
});

describe("TxQueue", () => {
  it("sends concurrent requests with consecutive nonces, each once", async () => {
    const journal = await Journal.open(journalPath);
    const q = new TxQueue(wallet, provider, journal, { pollMs: 20 });
    const receipts = await Promise.all([q.send(transfer("1")), q.send(transfer("2")), q.send(transfer("3"))]);
    const nonces = await Promise.all(receipts.map(async (r) => (await provider.getTransaction(r.hash))!.nonce));
    expect(nonces).toEqual([0, 1, 2]);
    expect(await provider.getTransactionCount(wallet.address)).toBe(3);
    // Asking again for a confirmed action returns its receipt instead of paying twice.
    const again = await q.send(transfer("2"));
    expect(again.hash).toBe(receipts[1]!.hash);
    expect(await provider.getTransactionCount(wallet.address)).toBe(3);
    await journal.close();
  });

  it("after a crash between journaling and broadcasting, recovery sends that exact transaction once", async () => {
    // Simulate the crash: journal an intent the way the queue does, but never broadcast it.
    const journal = await Journal.open(journalPath);
    const tx = Transaction.from({
      type: 2,
      chainId: anvil.chainId,
      nonce: 0,
      to: anvil.accounts[5]!.address,
      value: 1000n,
      gasLimit: 21000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
    const raw = await wallet.signTransaction(tx);
    const hash = Transaction.from(raw).hash!;
    await journal.append({ kind: "intent", taskId: "9", action: "pay", data: { nonce: 0, hash, raw } });
    await journal.close();

    const reopened = await Journal.open(journalPath);
    const q = new TxQueue(wallet, provider, reopened, { pollMs: 20 });
    const [result] = await q.recover();
    expect(result?.receipt?.hash).toBe(hash);
    expect(await provider.getTransactionCount(wallet.address)).toBe(1);
    expect(reopened.pending()).toEqual([]);
    // The engine asking again after recovery does not send a second payment.
    expect((await q.send(transfer("9"))).hash).toBe(hash);
    expect(await provider.getTransactionCount(wallet.address)).toBe(1);
    await reopened.close();
  });

  it("after a crash once the transaction was mined, recovery only records it", async () => {
    const journal = await Journal.open(journalPath);
    const q = new TxQueue(wallet, provider, journal, { pollMs: 20 });
    const receipt = await q.send(transfer("4"));
    await journal.close();
    // Cut the journal back to just the intent, as if the process died right after broadcasting.
    const { readFile, writeFile } = await import("node:fs/promises");
    const lines = (await readFile(journalPath, "utf8")).split("\n");
    await writeFile(journalPath, `${lines[0]}\n`);

    const reopened = await Journal.open(journalPath);
    const [result] = await new TxQueue(wallet, provider, reopened, { pollMs: 20 }).recover();
    expect(result?.receipt?.hash).toBe(receipt.hash);
    expect(await provider.getTransactionCount(wallet.address)).toBe(1);
    await reopened.close();
  });

  it("replaces a stuck transaction with higher fees and only one of them is mined", async () => {
    await provider.send("evm_setAutomine", [false]);
    const journal = await Journal.open(journalPath);
    const q = new TxQueue(wallet, provider, journal, { pollMs: 20, bumpAfterMs: 300 });
    const sending = q.send(transfer("5"));
    await new Promise((r) => setTimeout(r, 900)); // at least one bump happens while nothing is mined
    await provider.send("evm_mine", []);
    const receipt = await sending;
    const attempts = journal.all().filter((r) => r.kind === "intent" || r.kind === "sent");
    expect(attempts.length).toBeGreaterThan(1);
    expect(receipt.hash).toBe(attempts.at(-1)!.data.hash);
    const mined = await provider.getTransaction(receipt.hash);
    const first = Transaction.from(String(attempts[0]!.data.raw));
    expect(mined!.maxFeePerGas! > first.maxFeePerGas!).toBe(true);
    expect(await provider.getTransactionCount(wallet.address)).toBe(1);
    await journal.close();
  });

  it("explains a wallet without gas money and journals nothing", async () => {
    const poor = new Wallet(Wallet.createRandom().privateKey, provider);
    const journal = await Journal.open(path.join(dir, "poor.jsonl"));
    const q = new TxQueue(poor, provider, journal);
    await expect(q.send(transfer("6"))).rejects.toMatchObject({
      code: "INSUFFICIENT_FUNDS",
      message: expect.stringMatching(/not enough ETH for pay/),
    });
    expect(journal.all()).toEqual([]);
    await journal.close();
  });
});

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("TxQueue, pipelined", () => {
  let journal: Journal;
  beforeEach(async () => {
    journal = await Journal.open(journalPath);
    return () => journal.close();
  });

  it("broadcasts the next transactions before the first is mined, with consecutive nonces, each action once", async () => {
    await provider.send("evm_setAutomine", [false]);
    const q = new TxQueue(wallet, provider, journal, { pollMs: 20, pipeline: true });
    const sending = ["1", "2", "3", "4"].map((id) => q.send(transfer(id)));
    // The same action asked for while it is in flight joins it instead of paying twice.
    const again = q.send(transfer("2"));
    await waitFor(
      "four transactions in the pool",
      async () => (await provider.getTransactionCount(wallet.address, "pending")) === 4,
    );
    expect(await provider.getTransactionCount(wallet.address, "latest")).toBe(0);

    await provider.send("evm_mine", []);
    const receipts = await Promise.all(sending);
    expect((await again).hash).toBe(receipts[1]!.hash);
    const nonces = await Promise.all(receipts.map(async (r) => (await provider.getTransaction(r.hash))!.nonce));
    expect(nonces.sort()).toEqual([0, 1, 2, 3]);
    expect(
      journal
        .all()
        .filter((r) => r.kind === "intent")
        .map((r) => r.taskId)
        .sort(),
    ).toEqual(["1", "2", "3", "4"]);
    expect(journal.pending()).toEqual([]);

    // Asked again once confirmed: the receipt, no new transaction.
    await provider.send("evm_setAutomine", [true]);
    expect((await q.send(transfer("3"))).hash).toBe(receipts[2]!.hash);
    expect(await provider.getTransactionCount(wallet.address)).toBe(4);
  });

  it("takes nonces after one journaled by a previous run, and finishes that one first", async () => {
    // A previous run journaled nonce 0 and died before broadcasting it.
    const tx = Transaction.from({
      type: 2,
      chainId: anvil.chainId,
      nonce: 0,
      to: anvil.accounts[5]!.address,
      value: 1000n,
      gasLimit: 21000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
    const raw = await wallet.signTransaction(tx);
    await journal.append({
      kind: "intent",
      taskId: "9",
      action: "pay",
      data: { nonce: 0, hash: Transaction.from(raw).hash!, raw },
    });
    const q = new TxQueue(wallet, provider, journal, { pollMs: 20, pipeline: true });
    const fresh = q.send(transfer("10"));
    const left = q.send(transfer("9"));
    const [a, b] = await Promise.all([fresh, left]);
    expect(b.hash).toBe(Transaction.from(raw).hash);
    expect((await provider.getTransaction(a.hash))!.nonce).toBe(1);
    expect(await provider.getTransactionCount(wallet.address)).toBe(2);
  });

  it("bumps the fees of a stuck pipelined transaction; only one attempt is mined", async () => {
    await provider.send("evm_setAutomine", [false]);
    const q = new TxQueue(wallet, provider, journal, { pollMs: 20, bumpAfterMs: 300, pipeline: true });
    const sending = q.send(transfer("5"));
    await new Promise((r) => setTimeout(r, 900));
    await provider.send("evm_mine", []);
    const receipt = await sending;
    const attempts = journal.all().filter((r) => r.kind === "intent" || r.kind === "sent");
    expect(attempts.length).toBeGreaterThan(1);
    expect(receipt.hash).toBe(attempts.at(-1)!.data.hash);
    expect(await provider.getTransactionCount(wallet.address)).toBe(1);
  });
});
