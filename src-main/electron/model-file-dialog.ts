import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from "electron";
import { shellChannels } from "../../src-shared/app-contract.js";

/**
 * The native "choose a GGUF file" dialog behind `window.pouwShell.chooseModelFile`. It returns only
 * a path (the renderer cannot read the file system); importModel validates the file in main.
 * `trusted` is the same sender check the contract's channels use. Returns the function that undoes it.
 */
export function registerModelFileDialog(trusted: (event: IpcMainInvokeEvent) => boolean): () => void {
  ipcMain.handle(shellChannels.chooseModelFile, async (event) => {
    if (!trusted(event)) return null;
    const options = {
      title: "Import a GGUF model",
      properties: ["openFile" as const],
      filters: [{ name: "GGUF models", extensions: ["gguf"] }],
    };
    const win = BrowserWindow.fromWebContents(event.sender);
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  return () => ipcMain.removeHandler(shellChannels.chooseModelFile);
}
