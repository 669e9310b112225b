import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from "electron";
import { invokeMethodNames, ipcChannels, type PushChannel, type PushPayload } from "../../src-shared/app-contract.js";
import { dispatchInvoke } from "../session/dispatch.js";
import { liveChannelNames } from "../session/live-pushes.js";
import { openFailure } from "../session/opening-core.js";
import type { MainCore } from "../session/main-core.js";
import { isTrustedSender } from "./ipc-sender.js";
import { registerModelFileDialog } from "./model-file-dialog.js";
import type { AppOrigin } from "./navigation-guard.js";

/**
 * Answers every invoke channel of the contract and forwards the core's patches to our windows.
 * Every message's sender is checked before anything else runs. Returns the function that undoes it.
 *
 * The core may still be opening (a devnet start takes seconds) while the window already shows:
 * invokes wait for it — the renderer stays in its loading state meanwhile — and a core that failed
 * to open answers every invoke with that failure, on one line, for the window to show.
 */
export function registerIpc(
  core: Promise<MainCore>,
  origin: AppOrigin,
  ourWindows: () => readonly BrowserWindow[],
): () => void {
  const isOurs = (event: IpcMainInvokeEvent): boolean =>
    ourWindows().some((win) => !win.isDestroyed() && win.webContents === event.sender);
  const opened = core.then(
    (c) => ({ ok: true as const, core: c }),
    (err: unknown) => ({ ok: false as const, error: openFailure(err) }),
  );

  for (const method of invokeMethodNames) {
    ipcMain.handle(ipcChannels.invoke[method], async (event, params: unknown) => {
      if (!isTrustedSender(event.senderFrame, isOurs(event), origin)) {
        return {
          ok: false,
          error: { code: "UNTRUSTED_SENDER", message: `${method}: refused, the sender is not this app's window` },
        };
      }
      const c = await opened;
      return c.ok ? dispatchInvoke(c.core, method, params) : { ok: false, error: c.error };
    });
  }
  const unregisterDialog = registerModelFileDialog((event) =>
    isTrustedSender(event.senderFrame, isOurs(event), origin),
  );
  let unsubscribes: Array<() => void> | undefined = [];
  void opened.then((c) => {
    if (!c.ok || !unsubscribes) return;
    unsubscribes = liveChannelNames.map((channel) =>
      c.core.subscribe(channel, (payload) => push(ourWindows(), channel, payload)),
    );
  });

  return () => {
    for (const unsubscribe of unsubscribes ?? []) unsubscribe();
    unsubscribes = undefined;
    for (const method of invokeMethodNames) ipcMain.removeHandler(ipcChannels.invoke[method]);
    unregisterDialog();
  };
}

/** Why the miner is not there, as the window shows it: the same line as the headless dashboard's. */
export { openFailure };

export function push<C extends PushChannel>(
  windows: readonly BrowserWindow[],
  channel: C,
  payload: PushPayload<C>,
): void {
  for (const win of windows) {
    if (!win.isDestroyed()) win.webContents.send(ipcChannels.push[channel], payload);
  }
}
