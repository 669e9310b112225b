import type { LlamaModel, Token } from "node-llama-cpp";

/** The exact tokens a completion feeds for `prompt`, beginning-of-text token included: generation and verification must agree. */
export function tokenizePrompt(model: LlamaModel, prompt: string): Token[] {
  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  const body = model.tokenize(prompt, false, bos != null ? "trimLeadingSpace" : undefined);
  return bos != null ? [bos, ...body] : body;
}
