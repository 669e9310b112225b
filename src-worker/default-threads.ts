import os from "node:os";
import si from "systeminformation";
import { chooseThreads } from "../src-shared/threads.js";

let cached: Promise<number> | undefined;

/**
 * The thread count used when a load does not name one. node-llama-cpp's own default (4) is far
 * too many on small machines (about 700× slower on 2 cores), so the worker always passes one.
 */
export function defaultThreads(): Promise<number> {
  cached ??= (async () => {
    const logicalCores = os.availableParallelism();
    const physicalCores = await si
      .cpu()
      .then((c) => c.physicalCores)
      .catch(() => logicalCores);
    return chooseThreads({ physicalCores: physicalCores > 0 ? physicalCores : logicalCores, logicalCores });
  })();
  return cached;
}
