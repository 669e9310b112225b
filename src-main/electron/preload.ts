import { contextBridge, ipcRenderer } from "electron";
import { z } from "zod";
import { buildPreloadApi } from "./preload-api.js";

// zod probes `new Function` for speed; the CSP forbids eval, so skip the probe and its console error.
z.config({ jitless: true });

// Bundled to CommonJS (sandboxed preloads cannot load ES modules); exposes only the contract's functions.
contextBridge.exposeInMainWorld("pouw", buildPreloadApi(ipcRenderer));
