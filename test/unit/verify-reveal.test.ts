import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PouwError } from "../../src-shared/errors.js";
import type { VerifyParams, VerifyResult } from "../../src-shared/worker-contract.js";
import { checkReveal, revealCommitment, type RevealCheckInput } from "../../src-main/verify/check-reveal.js";
import {
  CalibrationFile,
  deriveTolerances,
  findTolerances,
  readCalibrationFile,
  withEntry,
  writeCalibrationFile,
} from "../../src-main/verify/tolerances.js";

const sha = "ab".repeat(32);
const key = {
  modelSha256: sha,
  modelFile: "m.gguf",
  quantization: "Q8_0",
  backend: "cpu",
  temperature: 0,
  sampler: "native" as const,
};
const first = { logProb: -0.2, rank: 0, topLogProb: -0.2 };
const tolerances = deriveTolerances(key, [{ positions: Array.from({ length: 500 }, () => first) }], {
  topK: 1,
  alpha: 0.001,
});
const miner = "0x1111111111111111111111111111111111111111";

/** A verifier whose model ranks every token first and decodes ids as letters; it records its calls. */
function verifier(behaviour: { throws?: PouwError | Error; rank?: number } = {}) {
  const calls: VerifyParams[] = [];
  const verify = async (p: VerifyParams): Promise<VerifyResult> => {
    calls.push(p);
    if (behaviour.throws) throw behaviour.throws;
    const score = { ...first, rank: behaviour.rank ?? 0, logProb: behaviour.rank ? -3 : -0.2 };
    return {
      positions: p.tokenIds.map(() => score),
      ...(p.scoreEnd ? { end: first } : {}),
      text: p.tokenIds.map((t) => String.fromCharCode(97 + (t % 26))).join(""),
      promptTokens: 3,
      evalMs: 1,
    };
  };
  return { calls, verify };
}

const reveal = { tokenIds: [0, 1, 2, 3], modelSha256: sha, finish: "length", text: "abcd" };
const input = (over: Partial<RevealCheckInput> = {}): RevealCheckInput => ({
  task: { prompt: "Once upon a time", maxTokens: 4 },
  reveal,
  modelSha256: sha,
  tolerances,
  ...over,
});

describe("checking a reveal", () => {
  it("passes an honest reveal and asks the verifier for exactly the revealed tokens", async () => {
    const v = verifier();
    const verdict = await checkReveal(input(), v.verify);
    expect(verdict.status).toBe("pass");
    expect(v.calls).toEqual([{ prompt: "Once upon a time", tokenIds: [0, 1, 2, 3], scoreEnd: false }]);
  });

  it("turns every kind of bad reveal into a failed check with a one-line reason, without calling the verifier", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /malformed reveal/],
      [{ ...reveal, tokenIds: [] }, /no tokens/],
      [{ ...reveal, tokenIds: [1, -2, 3, 4] }, /tokenIds\.1/],
      [{ ...reveal, tokenIds: [1, 2.5, 3, 4] }, /tokenIds\.1/],
      [{ ...reveal, modelSha256: "cd".repeat(32) }, /not the task's model/],
      [{ ...reveal, finish: "tired" }, /finish/],
      [{ ...reveal, tokenIds: [0, 1] }, /claims to stop at the length limit after 2 of 4/],
      [{ ...reveal, tokenIds: [0, 1, 2, 3, 4] }, /5 tokens revealed but the task allows 4/],
    ];
    for (const [bad, reason] of cases) {
      const v = verifier();
      const verdict = await checkReveal(input({ reveal: bad }), v.verify);
      expect(verdict.status, JSON.stringify(bad)).toBe("fail");
      if (verdict.status === "fail") {
        expect(verdict.reason).toMatch(reason);
        expect(verdict.reason).not.toContain("\n");
      }
      expect(v.calls).toHaveLength(0);
    }
  });

  it("fails tokens the verifier's model rejects (vocabulary, context) but calls its own crash an error", async () => {
    const vocab = await checkReveal(
      input(),
      verifier({
        throws: new PouwError("INVALID_PARAMS", "token id 9999 at position 2 is outside the model's vocabulary of 512"),
      }).verify,
    );
    expect(vocab).toEqual({
      status: "fail",
      reason: "token id 9999 at position 2 is outside the model's vocabulary of 512",
    });
    const overflow = await checkReveal(
      input(),
      verifier({ throws: new PouwError("CONTEXT_OVERFLOW", "need 300 positions but the context holds 256") }).verify,
    );
    expect(overflow.status).toBe("fail");
    const crash = await checkReveal(
      input(),
      verifier({ throws: new PouwError("WORKER_CRASHED", "the worker exited") }).verify,
    );
    expect(crash).toEqual({ status: "error", reason: "the verifier failed: the worker exited" });
  });

  it("fails text that is not what the tokens decode to, and tokens the model would not have written", async () => {
    const wrongText = await checkReveal(input({ reveal: { ...reveal, text: "abce" } }), verifier().verify);
    expect(wrongText).toMatchObject({ status: "fail", reason: /decode/ });
    const impostor = await checkReveal(input(), verifier({ rank: 4 }).verify);
    expect(impostor.status).toBe("fail");
  });

  it("asks for the end to be scored when the reveal says the model stopped", async () => {
    const v = verifier();
    const verdict = await checkReveal(
      input({ reveal: { ...reveal, tokenIds: [0, 1], finish: "eos", text: "ab" } }),
      v.verify,
    );
    expect(verdict.status).toBe("pass");
    expect(v.calls[0]?.scoreEnd).toBe(true);
  });

  it("binds the commitment to task, slot, miner, model and every token", async () => {
    const binding = { taskId: 7n, slot: 1, miner };
    const hash = revealCommitment(binding, reveal);
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await checkReveal(input({ commitment: { binding, hash } }), verifier().verify)).status).toBe("pass");
    const others = [
      revealCommitment({ ...binding, taskId: 8n }, reveal),
      revealCommitment({ ...binding, slot: 2 }, reveal),
      revealCommitment({ ...binding, miner: "0x2222222222222222222222222222222222222222" }, reveal),
      revealCommitment(binding, { ...reveal, tokenIds: [0, 1, 2, 4] }),
      revealCommitment(binding, { ...reveal, modelSha256: "cd".repeat(32) }),
    ];
    expect(new Set([hash, ...others]).size).toBe(6);
    // A reveal replayed under another miner's commitment does not match it.
    const replay = await checkReveal(
      input({ commitment: { binding: { ...binding, miner: "0x2222222222222222222222222222222222222222" }, hash } }),
      verifier().verify,
    );
    expect(replay).toEqual({ status: "fail", reason: "the revealed tokens do not match the miner's commitment" });
  });
});

describe("calibration file", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("round-trips, keeps one entry per model, quantization, backend and temperature, and finds it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pouw-calib-"));
    dirs.push(dir);
    const file = join(dir, "verify-tolerances.json");
    expect(await readCalibrationFile(file)).toEqual({ version: 1, entries: [] });
    let cal = withEntry({ version: 1, entries: [] }, tolerances);
    const sampled = deriveTolerances(
      { ...key, temperature: 0.8 },
      [{ positions: [first, { logProb: -2, rank: 3, topLogProb: -0.5 }] }],
      { topK: 1, alpha: 0.001 },
    );
    cal = withEntry(cal, sampled);
    cal = withEntry(cal, { ...tolerances, runs: 9 });
    expect(cal.entries).toHaveLength(2);
    await writeCalibrationFile(file, cal);
    const back = await readCalibrationFile(file);
    expect(back).toEqual(cal);
    expect(findTolerances(back, { ...key, modelSha256: sha.toUpperCase() })?.runs).toBe(9);
    expect(findTolerances(back, { ...key, temperature: 0.8 })?.outside).toBe(1);
    expect(findTolerances(back, { ...key, backend: "cuda" })).toBeUndefined();
    JSON.parse(await readFile(file, "utf8"));
  });

  it("rejects hand-edited or damaged files with a one-line error naming the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pouw-calib-"));
    dirs.push(dir);
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ version: 1, entries: [{ ...tolerances, alpha: 0.9 }] }));
    await expect(readCalibrationFile(file)).rejects.toThrow(/entries\.0\.alpha/);
    await writeFile(file, "{not json");
    await expect(readCalibrationFile(file)).rejects.toThrow(/is not JSON/);
    expect(CalibrationFile.safeParse({ version: 1, entries: [{ ...tolerances, modelSha256: "xyz" }] }).success).toBe(
      false,
    );
    expect(CalibrationFile.safeParse({ version: 1, entries: [{ ...tolerances, extra: 1 }] }).success).toBe(false);
    expect(CalibrationFile.safeParse({ version: 2, entries: [] }).success).toBe(false);
  });

  it("refuses to calibrate from no honest tokens", () => {
    expect(() => deriveTolerances(key, [{ positions: [] }], { topK: 1, alpha: 0.001 })).toThrow(
      /at least one honest run/,
    );
  });
});
