import type { GenerateParams, GenerateResult } from "../../src-shared/worker-contract.js";
import type { TokenReveal } from "../../src-main/verify/check-reveal.js";

/** A model a miner (honest or not) can run: generate, and tokenize text as the served model does. */
export interface MinerModels {
  /** The served model (the one the task names). */
  served(params: GenerateParams): Promise<GenerateResult>;
  /** A cheaper or different model the cheater runs instead. */
  impostor(params: GenerateParams): Promise<GenerateResult>;
  /** The served model's tokenizer: a cheater with text from elsewhere still reveals valid ids. */
  tokenize(text: string): number[];
  vocabSize: number;
}

export interface StrategyContext {
  task: GenerateParams;
  /** The honest answer to this task (what the served model writes). */
  honest: GenerateResult;
  /** The honest answer to a different task, for replays. */
  otherHonest: GenerateResult;
  /** The served model's answer to a slightly different prompt (a cache hit on a near-duplicate). */
  similarHonest: () => Promise<GenerateResult>;
  index: number;
  models: MinerModels;
  modelSha256: string;
}

export interface Strategy {
  name: string;
  honest: boolean;
  /** How it cheats, one line for the results table. */
  description: string;
  reveal(ctx: StrategyContext): Promise<TokenReveal>;
}

const finishOf = (r: GenerateResult): TokenReveal["finish"] =>
  r.finishReason === "eos" ? "eos" : r.finishReason === "stop" ? "stop" : "length";

/** Claimed as if the served model wrote `tokenIds`: cut to the task's limit, ending claimed to fit. */
function claim(tokenIds: number[], maxTokens: number, ended: boolean, modelSha256: string): TokenReveal {
  const cut = tokenIds.slice(0, maxTokens);
  return { tokenIds: cut, modelSha256, finish: cut.length >= maxTokens ? "length" : ended ? "eos" : "length" };
}

export const STRATEGIES: readonly Strategy[] = [
  {
    name: "honest",
    honest: true,
    description: "the served model's own output",
    reveal: async ({ honest, modelSha256 }) => ({
      tokenIds: honest.tokenIds ?? [],
      modelSha256,
      finish: finishOf(honest),
      text: honest.text,
    }),
  },
  {
    name: "other model",
    honest: false,
    description: "another model writes the answer, re-tokenized as the served model's",
    reveal: async ({ task, models, modelSha256 }) => {
      const r = await models.impostor(task);
      return claim(models.tokenize(r.text), task.maxTokens, r.finishReason === "eos", modelSha256);
    },
  },
  {
    name: "random tokens",
    honest: false,
    description: "maxTokens token ids drawn at random from the vocabulary",
    reveal: async ({ task, models, index, modelSha256 }) => {
      let s = (index + 1) * 2654435761;
      const ids = Array.from({ length: task.maxTokens }, () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return 3 + (s % (models.vocabSize - 3));
      });
      return { tokenIds: ids, modelSha256, finish: "length" };
    },
  },
  {
    name: "truncated",
    honest: false,
    description: "the honest output cut short, claimed as ended by the model (even tasks) or at the limit (odd)",
    reveal: async ({ honest, index, modelSha256 }) => {
      const ids = honest.tokenIds ?? [];
      const keep = Math.max(1, Math.floor(ids.length * (0.25 + ((index * 37) % 50) / 100)));
      return { tokenIds: ids.slice(0, keep), modelSha256, finish: index % 2 === 0 ? "eos" : "length" };
    },
  },
  {
    name: "replay",
    honest: false,
    description: "another task's honest answer, revealed for this one",
    reveal: async ({ otherHonest, modelSha256 }) => ({
      tokenIds: otherHonest.tokenIds ?? [],
      modelSha256,
      finish: finishOf(otherHonest),
      text: otherHonest.text,
    }),
  },
  {
    name: "cached similar prompt",
    honest: false,
    description: "the served model's answer to the prompt without its last word (a near-duplicate cache hit)",
    reveal: async ({ similarHonest, modelSha256 }) => {
      const r = await similarHonest();
      return { tokenIds: r.tokenIds ?? [], modelSha256, finish: finishOf(r), text: r.text };
    },
  },
  {
    name: "cheap generate then claim",
    honest: false,
    description: "the served model writes the first quarter, a cheaper model the rest",
    reveal: async ({ task, honest, models, modelSha256 }) => {
      // Cut at a word boundary: generated text starts without the space its first token carries.
      const quarter = Math.max(1, Math.floor(honest.text.length / 4));
      const headText = honest.text.slice(0, Math.max(1, honest.text.lastIndexOf(" ", quarter)));
      const budget = Math.max(1, task.maxTokens - models.tokenize(headText).length);
      const rest = await models.impostor({ ...task, prompt: `${task.prompt} ${headText}`, maxTokens: budget });
      return claim(
        models.tokenize(`${headText} ${rest.text}`),
        task.maxTokens,
        rest.finishReason === "eos",
        modelSha256,
      );
    },
  },
];

/** The prompt a near-duplicate cache would have answered: the same one without its last word. */
export function similarPrompt(prompt: string): string {
  const cut = prompt.replace(/\s*\S+\s*$/, "");
  return cut.length > 0 ? cut : prompt;
}
