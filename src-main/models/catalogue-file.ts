import fs from "node:fs/promises";
import path from "node:path";
import { parseCatalogue, type Catalogue } from "../../src-shared/catalogue.js";
import { PouwError } from "../../src-shared/errors.js";
import { runtimeFiles } from "../runtime/runtime-files.js";

/**
 * models/catalogue.json ships with the app (inside the asar when packaged), next to the code.
 * `POUW_CATALOGUE` points at another file, so tests can list models served from 127.0.0.1.
 */
export function defaultCataloguePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POUW_CATALOGUE) return path.resolve(env.POUW_CATALOGUE);
  return runtimeFiles().catalogue;
}

export async function loadCatalogue(filePath: string = defaultCataloguePath()): Promise<Catalogue> {
  let text: string;
  try {
    text = await fs.readFile(filePath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new PouwError("CATALOGUE_INVALID", `cannot read the model catalogue at ${filePath} (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PouwError("CATALOGUE_INVALID", `the model catalogue at ${filePath} is not valid JSON: ${(err as Error).message}`);
  }
  return parseCatalogue(json);
}
