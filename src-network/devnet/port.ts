import net from "node:net";
import { PouwError } from "../../src-shared/errors.js";
import { freePort } from "../../src-main/chain/anvil.js";

/** Whether 127.0.0.1:port can be bound right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * The devnet's RPC port: the one asked for, else last run's when it is free (wallets and scripts
 * pointed at the devnet keep working across restarts), else any free one.
 */
export async function chooseChainPort(asked: number | undefined, remembered: number | undefined): Promise<number> {
  if (asked !== undefined) {
    // Checked here because anvil's readiness probe would take another server on the port for it.
    if (!(await isPortFree(asked)))
      throw new PouwError(
        "INVALID_PARAMS",
        `port ${asked} on 127.0.0.1 is already in use; choose another port or leave it out`,
      );
    return asked;
  }
  if (remembered !== undefined && (await isPortFree(remembered))) return remembered;
  return freePort();
}

/** The port of an http(s)/ws(s) URL, when it names one. */
export function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  try {
    const port = Number(new URL(url).port);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}
