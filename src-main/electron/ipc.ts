import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from "electron";
import { invokeMethodNames, ipcChannels, type PushChannel, type PushPayload } from "../../src-shared/app-contract.js";
import { dispatchInvoke } from "../core/dispatch.js";
import { liveChannelNames } from "../core/live-pushes.js";
import type { MainCore } from "../core/types.js";
import { isTrustedSender } from "./ipc-sender.js";
import type { AppOrigin } from "./navigation-guard.js";

/**
 * Answers every invoke channel of the contract and forwards the core's patches to our windows.
 * Every message's sender is checked before anything else runs. Returns the function that undoes it.
 */
export function registerIpc(core: MainCore, origin: AppOrigin, ourWindows: () => readonly BrowserWindow[]): () => void {
  const isOurs = (event: IpcMainInvokeEvent): boolean =>
    ourWindows().some((win) => !win.isDestroyed() && win.webContents === event.sender);

  for (const method of invokeMethodNames) {
    ipcMain.handle(ipcChannels.invoke[method], async (event, params: unknown) => {
      if (!isTrustedSender(event.senderFrame, isOurs(event), origin)) {
        return { ok: false, error: { code: "UNTRUSTED_SENDER", message: `${method}: refused, the sender is not this app's window` } };
      }
      return dispatchInvoke(core, method, params);
    });
  }
  const unsubscribes = liveChannelNames.map((channel) => core.subscribe(channel, (payload) => push(ourWindows(), channel, payload)));

  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    for (const method of invokeMethodNames) ipcMain.removeHandler(ipcChannels.invoke[method]);
  };
}

export function push<C extends PushChannel>(windows: readonly BrowserWindow[], channel: C, payload: PushPayload<C>): void {
  for (const win of windows) {
    if (!win.isDestroyed()) win.webContents.send(ipcChannels.push[channel], payload);
  }
}
