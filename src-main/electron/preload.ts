import { contextBridge, ipcRenderer } from "electron";
import { z } from "zod";
import { buildPreloadApi } from "./preload-api.js";
import { buildShellApi } from "./shell-api.js";

// zod probes `new Function` for speed; the CSP forbids eval, so skip the probe and its console error.
z.config({ jitless: true });

// Bundled to CommonJS (sandboxed preloads cannot load ES modules); exposes only the contract's functions,
// and the shell's named ones (a native file dialog) apart from them.
contextBridge.exposeInMainWorld("pouw", buildPreloadApi(ipcRenderer));
contextBridge.exposeInMainWorld("pouwShell", buildShellApi(ipcRenderer));
