import type { PouwBridge } from "../../src-shared/app-contract.js";

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (the headless client is used there). */
    readonly pouw?: PouwBridge;
  }
}
export {};
