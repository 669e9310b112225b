import path from "node:path";

/** The on-chain name of a model file: its file name without `.gguf` (the tests' "stories260K"). */
export function modelNameOf(modelPath: string): string {
  return path.basename(modelPath).replace(/\.gguf$/i, "");
}
