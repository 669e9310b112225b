import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openAppSession, type AppSession, type AppSessionOptions } from "../../src-main/session/app-session.js";
import { dispatchInvoke } from "../../src-main/session/dispatch.js";
import type { AppSnapshot, InvokeMethod, InvokeResult, PatchMessage } from "../../src-shared/app-contract.js";
import type { ErrorShape } from "../../src-shared/errors.js";
import type { FileServerKnobs } from "../helpers/http-file-server.js";
import { serveTinyCatalogue, type ExtraModel, type TinyCatalogue } from "../helpers/test-catalogue.js";

/**
 * An app session in set-up mode on a fresh embedded devnet, driven through dispatchInvoke (what
 * both transports call), with its catalogue served from 127.0.0.1 and every patch kept.
 */
export interface SessionHarness {
  readonly dir: string;
  readonly catalogue: TinyCatalogue;
  readonly session: AppSession;
  /** Every patch since the session (re)opened. */
  readonly patches: PatchMessage[];
  options(): AppSessionOptions;
  call<M extends InvokeMethod>(method: M, params?: unknown): Promise<InvokeResult<M>>;
  /** The error an invoke answers; throws when it succeeds. */
  fails(method: InvokeMethod, params?: unknown): Promise<ErrorShape>;
  snap(): AppSnapshot;
  /** Closes the session and opens it again on the same folders. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function openSessionHarness(opts: {
  prefix: string;
  knobs?: FileServerKnobs;
  extraModels?: readonly ExtraModel[];
}): Promise<SessionHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), opts.prefix));
  let catalogue: TinyCatalogue | undefined;
  let session: AppSession | undefined;
  const patches: PatchMessage[] = [];
  const options = (): AppSessionOptions => ({
    dataDir: path.join(dir, "data"),
    network: "devnet",
    // The tests request and score tasks themselves: the chain alone, no devnet services.
    devnetServices: false,
    appVersion: "0.0.0-test",
    modelsDir: path.join(dir, "models"),
    cataloguePath: catalogue!.cataloguePath,
    scryptN: 2 ** 10,
    pollMs: 200,
    threads: 1,
    sampleIntervalMs: 200,
    benchmarkParams: { rounds: 1, maxTokens: 8 },
  });
  const open = async () => {
    session = await openAppSession(options());
    session.onPatch((p) => patches.push(p));
  };
  const close = async () => {
    await session?.close();
    await catalogue?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    catalogue = await serveTinyCatalogue(dir, opts.knobs, opts.extraModels);
    await open();
  } catch (err) {
    await close();
    throw err;
  }
  const current = () => session!;
  return {
    dir,
    catalogue,
    get session() {
      return current();
    },
    patches,
    options,
    async call<M extends InvokeMethod>(method: M, params: unknown = {}) {
      const answer = await dispatchInvoke(current(), method, params);
      if (!answer.ok) throw new Error(`${method}: ${answer.error.code}: ${answer.error.message}`);
      return answer.result as InvokeResult<M>;
    },
    async fails(method, params = {}) {
      const answer = await dispatchInvoke(current(), method, params);
      if (answer.ok) throw new Error(`${method} succeeded, expected an error`);
      return answer.error;
    },
    snap: () => current().getSnapshot().snapshot,
    async restart() {
      await current().close();
      patches.length = 0;
      await open();
    },
    close,
  };
}
