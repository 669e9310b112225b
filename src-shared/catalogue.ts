import { z } from "zod";
import { PouwError } from "./errors.js";

/**
 * The model catalogue (models/catalogue.json): real public GGUF files the miner can download.
 * Pure schema and lookups; reading the file is main's job (src-main/models/catalogue-file.ts).
 *
 * `sha256` is optional on purpose: a hash is listed only where a public source gave one. Entries
 * without it are verified trust-on-first-use — the hash of the first complete download is recorded
 * next to the file and every later use is checked against it.
 */
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex digits");

export const ModelRole = z.enum(["chat", "embedding", "test"]);
export type ModelRole = z.infer<typeof ModelRole>;

export const CatalogueEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "id must be lowercase letters, digits, dots and dashes"),
    name: z.string().min(1),
    family: z.string().min(1),
    /**
     * A node-llama-cpp model URI: `hf:<user>/<repo>/<file>`. Plain http(s) URLs are accepted too
     * (test catalogues serve files from 127.0.0.1); the shipped catalogue uses `hf:` only.
     */
    hfUri: z
      .string()
      .regex(
        /^(hf:[^/\s]+\/[^/\s]+\/|https?:\/\/)\S+\.gguf$/,
        "hfUri must look like hf:<user>/<repo>/<file>.gguf or an http(s) URL",
      ),
    /** The file name in the models folder. */
    file: z.string().regex(/^[^/\\]+\.gguf$/, "file must be a bare .gguf file name"),
    sha256: Sha256.optional(),
    sizeBytes: z.number().int().positive(),
    /** True when `sizeBytes` is a rounded published figure rather than the exact byte count. */
    sizeApproximate: z.boolean().optional(),
    quantization: z.string().min(1),
    /** Parameter count (not billions). */
    parameters: z.number().positive(),
    /** Transformer blocks; lets the fit estimate how many layers a partial offload puts on the GPU. */
    layers: z.number().int().positive().optional(),
    contextLength: z.number().int().positive(),
    /** Memory to run on CPU at a 4096-token context (weights + KV cache + buffers), before headroom. */
    ramBytes: z.number().int().positive(),
    /** VRAM to run fully on GPU at a 4096-token context, before headroom. */
    vramBytes: z.number().int().positive(),
    /** Prompt format family ("chatml", "llama3", "phi3", …; "none" for embedding/test models). */
    chatTemplate: z.string().min(1),
    embeddings: z.boolean(),
    license: z.string().min(1),
    role: ModelRole.optional(),
    /** The one embedding model whose vectors Proof of Inference compares across miners. */
    proofOfInference: z.boolean().optional(),
    description: z.string().optional(),
  })
  .refine((e) => e.hfUri.endsWith(`/${e.file}`), {
    message: "hfUri must end with the entry's file name",
    path: ["hfUri"],
  })
  .refine((e) => !e.proofOfInference || e.embeddings, {
    message: "the Proof-of-Inference model must serve embeddings",
    path: ["proofOfInference"],
  });
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

export const Catalogue = z
  .object({ version: z.literal(1), models: z.array(CatalogueEntry).min(1) })
  .superRefine((c, ctx) => {
    for (const key of ["id", "file"] as const) {
      const seen = new Set<string>();
      for (const m of c.models) {
        if (seen.has(m[key]))
          ctx.addIssue({ code: "custom", message: `duplicate ${key} "${m[key]}"`, path: ["models"] });
        seen.add(m[key]);
      }
    }
    const poi = c.models.filter((m) => m.proofOfInference).length;
    if (poi !== 1)
      ctx.addIssue({
        code: "custom",
        message: `exactly one Proof-of-Inference model expected, found ${poi}`,
        path: ["models"],
      });
  });
export type Catalogue = z.infer<typeof Catalogue>;

/** Validates parsed JSON; throws CATALOGUE_INVALID naming the first problem on one line. */
export function parseCatalogue(json: unknown): Catalogue {
  const result = Catalogue.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new PouwError(
    "CATALOGUE_INVALID",
    `model catalogue is invalid${where}: ${issue?.message ?? "unknown problem"}`,
  );
}

export function roleOf(entry: CatalogueEntry): ModelRole {
  return entry.role ?? (entry.embeddings ? "embedding" : "chat");
}

export function findCatalogueEntry(models: readonly CatalogueEntry[], id: string): CatalogueEntry | undefined {
  return models.find((m) => m.id === id);
}

export function proofOfInferenceModel(models: readonly CatalogueEntry[]): CatalogueEntry | undefined {
  return models.find((m) => m.proofOfInference);
}
