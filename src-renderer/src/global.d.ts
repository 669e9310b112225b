import type { PouwBridge, PouwShell } from "../../src-shared/app-contract.js";

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (the headless client is used there). */
    readonly pouw?: PouwBridge;
    /** The desktop shell's named functions (a native file dialog); absent in a browser. */
    readonly pouwShell?: PouwShell;
  }
}
export {};
