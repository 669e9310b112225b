import { BrowserWindow, shell, type Session, type WebContents } from "electron";
import { buildCsp } from "./csp.js";
import { isAllowedExternalUrl, isAppUrl, type AppOrigin } from "./navigation-guard.js";
import { buildWindowOptions, type FrameOptionsInput } from "./window-options.js";

export interface FrameInput extends FrameOptionsInput {
  origin: AppOrigin;
  /** The page to show: the built index.html, or the dev server URL. */
  load: { file: string } | { url: string };
}

/** The one function that creates windows (every window gets the same locked-down options). */
export function createFrame(input: FrameInput): BrowserWindow {
  const win = new BrowserWindow(buildWindowOptions(input));
  win.once("ready-to-show", () => win.show());
  const loading = "file" in input.load ? win.loadFile(input.load.file) : win.loadURL(input.load.url);
  loading.catch((err: unknown) => console.error(`window failed to load: ${String(err)}`));
  return win;
}

/**
 * Applied to every webContents the app ever creates (from `web-contents-created`): no navigation away
 * from the app's pages, no new windows (https links go to the system browser), no <webview>.
 */
export function guardWebContents(contents: WebContents, origin: AppOrigin): void {
  const blockUnlessApp = (event: { preventDefault(): void; url: string }): void => {
    if (!isAppUrl(event.url, origin)) event.preventDefault();
  };
  contents.on("will-navigate", blockUnlessApp);
  contents.on("will-redirect", blockUnlessApp);
  contents.on("will-frame-navigate", blockUnlessApp);
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url).catch(() => undefined);
    return { action: "deny" };
  });
}

/**
 * The CSP also travels as a response header (file:// pages rely on the <meta> in index.html, which
 * carries the same policy); the renderer gets no permissions (camera, notifications, …) at all.
 */
export function lockDownSession(session: Session, origin: AppOrigin): void {
  const csp = buildCsp(origin.devServerUrl ? { devServerOrigin: new URL(origin.devServerUrl).origin } : {});
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
