import { mount } from "svelte";
import { z } from "zod";
import App from "./App.svelte";
import { createPreloadClient } from "./lib/client/preload-client.js";
import "./app.css";

// zod probes `new Function` for speed; the CSP forbids eval, so skip the probe and its console error.
z.config({ jitless: true });

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
mount(App, { target, props: { client: createPreloadClient(window.pouw) } });
