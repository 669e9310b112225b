import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseCatalogue, type CatalogueEntry } from "../../../src-shared/catalogue.js";
import { TINY_LLAMA_FILE, TINY_LLAMA_MEANPOOL_FILE, buildTinyLlamaModel } from "../../../src-shared/gguf/tiny-llama.js";
import { startFileServer, type FileServer } from "../../helpers/http-file-server.js";

/** The chat model the first-run flow downloads, by the name its buttons carry. */
export const TINY_MODEL_NAME = "Tiny test llama";

export interface TestCatalogue {
  /** Point POUW_CATALOGUE here. */
  file: string;
  server: FileServer;
  close(): Promise<void>;
}

/**
 * A catalogue of the project's own tiny models, served from 127.0.0.1: the chat model (whose file
 * name gives the model id the devnet asks for) and its mean-pooling twin as the Proof-of-Inference
 * embedder. Served at `bytesPerSecond` so the download is slow enough to watch its progress bar.
 */
export async function startTestCatalogue(dir: string, bytesPerSecond?: number): Promise<TestCatalogue> {
  const chat = buildTinyLlamaModel();
  const embed = buildTinyLlamaModel({ pooling: "mean" });
  const server = await startFileServer({ [TINY_LLAMA_FILE]: chat, [TINY_LLAMA_MEANPOOL_FILE]: embed }, bytesPerSecond ? { bytesPerSecond } : {});
  const entry = (id: string, name: string, file: string, bytes: Buffer, extra: Partial<CatalogueEntry>): CatalogueEntry => ({
    id,
    name,
    family: "llama",
    hfUri: server.url(file),
    file,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sizeBytes: bytes.length,
    quantization: "F32",
    parameters: 1e5,
    layers: 2,
    contextLength: 2048,
    ramBytes: 8 * 1024 * 1024,
    vramBytes: 8 * 1024 * 1024,
    chatTemplate: "none",
    embeddings: false,
    license: "MIT",
    ...extra,
  });
  const catalogue = parseCatalogue({
    version: 1,
    models: [
      entry("tiny-test-llama", TINY_MODEL_NAME, TINY_LLAMA_FILE, chat, { role: "chat", description: "The project's own tiny llama, for tests." }),
      entry("tiny-test-embedder", "Tiny test embedder", TINY_LLAMA_MEANPOOL_FILE, embed, { embeddings: true, proofOfInference: true, role: "embedding" }),
    ],
  });
  const file = path.join(dir, "catalogue.json");
  await writeFile(file, JSON.stringify(catalogue, null, 2));
  return { file, server, close: () => server.close() };
}
