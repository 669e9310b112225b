import { contextBridge, ipcRenderer } from "electron";
import { buildPreloadApi } from "./preload-api.js";

// Bundled to CommonJS (sandboxed preloads cannot load ES modules); exposes only the contract's functions.
contextBridge.exposeInMainWorld("pouw", buildPreloadApi(ipcRenderer));
