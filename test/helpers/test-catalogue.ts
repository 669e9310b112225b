import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { buildTinyLlamaModel, TINY_LLAMA_FILE } from "../../src-shared/node/gguf/tiny-llama.js";
import { startFileServer, type FileServer, type FileServerKnobs } from "./http-file-server.js";

export const TINY_CATALOGUE_ID = "pouw-tiny-test";
export const TINY_CATALOGUE_NAME = "Tiny test llama";

/** Another model in the catalogue: bytes only downloaded and deleted, never loaded. */
export interface ExtraModel {
  id: string;
  name: string;
  bytes: Buffer;
}

export interface TinyCatalogue {
  /** Point POUW_CATALOGUE (or the session's cataloguePath) here. */
  cataloguePath: string;
  id: string;
  name: string;
  server: FileServer;
  close(): Promise<void>;
}

/**
 * A one-model catalogue whose model is the project's own tiny llama, served from 127.0.0.1 — what
 * the first run's download step fetches in tests (no internet, no real model). The same file is
 * the catalogue's Proof-of-Inference model, which the schema requires exactly one of.
 */
export async function serveTinyCatalogue(
  dir: string,
  knobs: FileServerKnobs = {},
  extra: readonly ExtraModel[] = [],
): Promise<TinyCatalogue> {
  const bytes = buildTinyLlamaModel();
  const server = await startFileServer(
    { [TINY_LLAMA_FILE]: bytes, ...Object.fromEntries(extra.map((m) => [`${m.id}.gguf`, m.bytes])) },
    knobs,
  );
  const cataloguePath = path.join(dir, "catalogue.json");
  const entry = {
    id: TINY_CATALOGUE_ID,
    name: TINY_CATALOGUE_NAME,
    family: "llama",
    hfUri: server.url(TINY_LLAMA_FILE),
    file: TINY_LLAMA_FILE,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sizeBytes: bytes.length,
    quantization: "F32",
    parameters: 10_000,
    layers: 1,
    contextLength: 256,
    ramBytes: 16 * 1024 * 1024,
    vramBytes: 16 * 1024 * 1024,
    chatTemplate: "none",
    embeddings: true,
    license: "MIT",
    role: "test",
    proofOfInference: true,
  };
  const others = extra.map((m) => ({
    ...entry,
    id: m.id,
    name: m.name,
    hfUri: server.url(`${m.id}.gguf`),
    file: `${m.id}.gguf`,
    sha256: createHash("sha256").update(m.bytes).digest("hex"),
    sizeBytes: m.bytes.length,
    embeddings: false,
    proofOfInference: false,
  }));
  await writeFile(cataloguePath, JSON.stringify({ version: 1, models: [entry, ...others] }, null, 2));
  return { cataloguePath, id: entry.id, name: entry.name, server, close: () => server.close() };
}
