import { shellChannels, type PouwShell } from "../../src-shared/app-contract.js";
import type { IpcRendererLike } from "./preload-api.js";

/** `window.pouwShell`: the named shell functions (src-shared/app-contract.ts, shellChannels), nothing else. */
export function buildShellApi(ipc: Pick<IpcRendererLike, "invoke">): PouwShell {
  return Object.freeze({
    chooseModelFile: async (): Promise<string | null> => {
      const answer = await ipc.invoke(shellChannels.chooseModelFile);
      return typeof answer === "string" && answer.length > 0 ? answer : null;
    },
  });
}
