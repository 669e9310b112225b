import { AbiCoder, getAddress, isAddress, keccak256 } from "ethers";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import type { SeededSampling } from "../../src-shared/seeded-sampling.js";
import type { VerifyParams, VerifyResult } from "../../src-shared/worker-contract.js";
import { judgeTokens, type Verdict } from "./token-check.js";
import type { ToleranceEntry } from "./tolerances.js";

const MAX_REVEALED_TOKENS = 1 << 16;

/** What a miner reveals for token-level verification: the exact tokens, and the model that wrote them. */
export const TokenReveal = z.strictObject({
  tokenIds: z.array(z.number().int().nonnegative()).min(1, "no tokens were revealed").max(MAX_REVEALED_TOKENS),
  modelSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "modelSha256 must be 64 hex digits"),
  /** Why generation stopped: "length" at maxTokens, "eos" when the model ended it, "stop" at a stop text. */
  finish: z.enum(["eos", "length", "stop"]),
  /** The answer as text; when present it must be exactly what the tokens decode to. */
  text: z.string().optional(),
});
export type TokenReveal = z.infer<typeof TokenReveal>;

/** Binds a reveal to its task, slot and miner, so one miner's tokens cannot be replayed as another's. */
export interface RevealBinding {
  taskId: bigint;
  slot: number;
  miner: string;
}

/**
 * keccak256(abi.encode(taskId, slot, miner, modelSha256, tokenIds)): what a miner commits before
 * revealing. abi.encode, so the contract can recompute it with the same one line of Solidity.
 */
export function revealCommitment(
  binding: RevealBinding,
  reveal: Pick<TokenReveal, "modelSha256" | "tokenIds">,
): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "uint256", "address", "bytes32", "uint32[]"],
      [
        binding.taskId,
        binding.slot,
        getAddress(binding.miner),
        `0x${reveal.modelSha256.toLowerCase()}`,
        reveal.tokenIds,
      ],
    ),
  );
}

export interface VerifiableTask {
  prompt: string;
  maxTokens: number;
  /** For tasks generated with the "seeded" sampler: the draws the verifier redoes. */
  sampling?: SeededSampling;
}

export interface RevealCheckInput {
  task: VerifiableTask;
  /** As received: anything at all, checked here. */
  reveal: unknown;
  /** The sha256 of the model file the task names (and the verifier loaded). */
  modelSha256: string;
  tolerances: ToleranceEntry;
  /** When the miner committed first: the binding and the commitment it sent. */
  commitment?: { binding: RevealBinding; hash: string };
}

/** The verifier's model, loaded (the worker's `verify` method in production). */
export type TokenVerifier = (params: VerifyParams) => Promise<VerifyResult>;

/** Errors from the verifier that the reveal itself caused; anything else is the verifier's own fault. */
const MINER_FAULTS = new Set(["INVALID_PARAMS", "CONTEXT_OVERFLOW"]);

/**
 * Checks a reveal end to end. Whatever the reveal holds — wrong shape, another model, a broken
 * commitment, tokens the vocabulary lacks, more than the context holds — the answer is a verdict
 * with a one-line reason, never an exception.
 */
export async function checkReveal(input: RevealCheckInput, verify: TokenVerifier): Promise<Verdict> {
  const parsed = TokenReveal.safeParse(input.reveal);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      status: "fail",
      reason: `malformed reveal: ${issue ? `${issue.path.join(".") || "reveal"}: ${issue.message}` : "invalid"}`,
    };
  }
  const reveal = parsed.data;
  if (reveal.modelSha256.toLowerCase() !== input.modelSha256.toLowerCase()) {
    return {
      status: "fail",
      reason: `revealed model ${reveal.modelSha256.slice(0, 12)}… is not the task's model ${input.modelSha256.slice(0, 12)}…`,
    };
  }
  if (input.commitment) {
    const binding = input.commitment.binding;
    if (!isAddress(binding.miner)) return { status: "error", reason: `miner ${binding.miner} is not an address` };
    if (revealCommitment(binding, reveal).toLowerCase() !== input.commitment.hash.toLowerCase()) {
      return { status: "fail", reason: "the revealed tokens do not match the miner's commitment" };
    }
  }
  if (reveal.tokenIds.length > input.task.maxTokens) {
    return {
      status: "fail",
      reason: `${reveal.tokenIds.length} tokens revealed but the task allows ${input.task.maxTokens}`,
    };
  }
  if (reveal.finish === "length" && reveal.tokenIds.length < input.task.maxTokens) {
    return {
      status: "fail",
      reason: `the reveal claims to stop at the length limit after ${reveal.tokenIds.length} of ${input.task.maxTokens} tokens`,
    };
  }
  let scored: VerifyResult;
  try {
    scored = await verify({
      prompt: input.task.prompt,
      tokenIds: reveal.tokenIds,
      scoreEnd: reveal.finish === "eos",
      ...(input.task.sampling ? { sampling: input.task.sampling } : {}),
    });
  } catch (err) {
    const code = err instanceof PouwError ? err.code : "INTERNAL";
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
    return MINER_FAULTS.has(code)
      ? { status: "fail", reason: message }
      : { status: "error", reason: `the verifier failed: ${message}` };
  }
  if (reveal.text !== undefined && reveal.text !== scored.text) {
    return { status: "fail", reason: "the revealed text is not what the revealed tokens decode to" };
  }
  return judgeTokens({ positions: scored.positions, ...(scored.end ? { end: scored.end } : {}) }, input.tolerances);
}
