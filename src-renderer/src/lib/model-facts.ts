import type { ModelListEntry } from "../../../src-shared/app-views.js";
import { formatBytes, formatTokensPerSecond } from "./format.js";

/**
 * What a Models row says about one model, as label/value pairs: only what is known is listed, so a
 * model outside the catalogue (a file given on the command line) shows no empty "–" cells.
 */
export interface ModelFact {
  readonly label: string;
  readonly value: string;
}

const PURPOSES: Record<NonNullable<ModelListEntry["role"]>, string> = {
  chat: "Chat and instructions: serves tasks",
  embedding: "Embeddings: checks other miners' answers (Proof of Inference)",
  test: "Smoke tests only: earns nothing",
};

export function modelPurpose(model: Pick<ModelListEntry, "role">): string | undefined {
  return model.role ? PURPOSES[model.role] : undefined;
}

export function modelSpeed(model: Pick<ModelListEntry, "expectedSpeed" | "fit">): string {
  if (model.fit === "too-large") return "does not run here";
  const speed = model.expectedSpeed;
  if (!speed) return "not measured yet (run a benchmark)";
  const value = formatTokensPerSecond(speed.tokensPerSecond);
  return speed.source === "measured" ? `${value} measured` : `about ${value} (estimated from a model measured here)`;
}

export function modelFacts(model: ModelListEntry): ModelFact[] {
  const facts: ModelFact[] = [];
  const purpose = modelPurpose(model);
  if (purpose) facts.push({ label: "Purpose", value: purpose });
  if (model.quantization) facts.push({ label: "Quantization", value: model.quantization });
  if (model.sizeBytes !== undefined) facts.push({ label: "Size", value: formatBytes(model.sizeBytes) });
  if (model.license) facts.push({ label: "Licence", value: model.license });
  if (model.fit !== undefined || model.expectedSpeed !== undefined)
    facts.push({ label: "Speed here", value: modelSpeed(model) });
  return facts;
}
