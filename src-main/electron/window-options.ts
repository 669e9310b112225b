import type { BrowserWindowConstructorOptions } from "electron";

export interface FrameOptionsInput {
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  preloadPath: string;
  title?: string;
  width?: number;
  height?: number;
  /** Window icon on Linux/Windows (resources/icon.png). */
  iconPath?: string;
}

/**
 * The options every window gets. The renderer is treated as untrusted web content: sandboxed, isolated
 * from the preload's world, no Node, web security on; it reaches main only through the preload's
 * named functions.
 */
export function buildWindowOptions(input: FrameOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: input.title ?? "PoUW Miner",
    width: input.width ?? 1100,
    height: input.height ?? 720,
    minWidth: 720,
    minHeight: 480,
    show: false,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}
