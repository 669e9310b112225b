import { mount } from "svelte";
import { z } from "zod";
import App from "./App.svelte";
import { createHttpClient, takeLaunchToken } from "./lib/client/http-client.js";
import { createPreloadClient } from "./lib/client/preload-client.js";
import "./app.css";

// zod probes `new Function` for speed; the CSP forbids eval, so skip the probe and its console error.
z.config({ jitless: true });

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

// In the Electron window the preload provides `window.pouw`; served by `pouw-miner headless`, the
// same dashboard talks HTTP and WebSocket to the page's own origin with the launch token.
const client = window.pouw
  ? createPreloadClient(window.pouw)
  : createHttpClient({ baseUrl: location.origin, token: takeLaunchToken(location, sessionStorage, history) ?? "" });
mount(App, { target, props: { client } });
