import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTinyLlamaModel, writeTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import type { WrittenModel } from "../../src-shared/node/gguf/tiny-llama.js";

/** Folder the project-written test models live in; shared by every test file and process in a run. */
export const TINY_MODEL_DIR = join(tmpdir(), "pouw-miner-test-models");

let models: Promise<{ model: WrittenModel; meanPool: WrittenModel }> | undefined;

/** Writes the tiny models once per process (reusing identical files from earlier runs). */
export function tinyModels(): Promise<{ model: WrittenModel; meanPool: WrittenModel }> {
  models ??= ensureTinyLlamaModel(TINY_MODEL_DIR);
  return models;
}

/** Path of the tiny llama GGUF for generation tests on a fresh clone (no downloads, no ../shared). */
export async function tinyModelPath(): Promise<string> {
  return (await tinyModels()).model.path;
}

/** Path of the mean-pooling variant, for embedding tests. */
export async function tinyMeanPoolModelPath(): Promise<string> {
  return (await tinyModels()).meanPool.path;
}

let impostor: Promise<WrittenModel> | undefined;

/** Same shapes and vocabulary as the tiny model, other weights: a substituted model on a fresh clone. */
export function tinyImpostorModelPath(): Promise<string> {
  impostor ??= writeTinyLlamaModel(join(TINY_MODEL_DIR, "pouw-tiny-llama-seed2.gguf"), { seed: 2 });
  return impostor.then((m) => m.path);
}
