import type { AppClient } from "../../../../src-shared/app-client.js";
import { unwrapEnvelope } from "../../../../src-shared/app-client.js";
import {
  InvokeEnvelopeShape,
  type InvokeEnvelope,
  type PushChannel,
  type PushPayload,
} from "../../../../src-shared/app-contract.js";
import { PouwError } from "../../../../src-shared/errors.js";
import {
  TOKEN_FRAGMENT_KEY,
  TOKEN_HEADER,
  headlessPaths,
  parsePushFrame,
} from "../../../../src-shared/headless-protocol.js";

/** The subset of the browser WebSocket this client uses, so Node tests can pass the `ws` package. */
interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}
type SocketFactory = new (url: string) => SocketLike;

export interface HttpClientOptions {
  /** e.g. "http://127.0.0.1:8787" — the page's own origin in the browser. */
  baseUrl: string;
  token: string;
  WebSocketImpl?: SocketFactory;
  fetchImpl?: typeof fetch;
}

/**
 * The AppClient of the headless miner's dashboard: commands over HTTP with the launch token, state
 * over one WebSocket that reconnects by itself. After a reconnect the server sends a fresh
 * snapshot, so the store never applies a patch to the wrong revision.
 */
export function createHttpClient(opts: HttpClientOptions): AppClient & { close(): void } {
  const doFetch = opts.fetchImpl ?? fetch.bind(globalThis);
  const Socket = opts.WebSocketImpl ?? (globalThis.WebSocket as unknown as SocketFactory);
  const listeners = new Map<PushChannel, Set<(payload: never) => void>>();
  let socket: SocketLike | undefined;
  let closed = false;
  let retryMs = 250;

  const connect = () => {
    if (closed || socket) return;
    const url = new URL(headlessPaths.events, opts.baseUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", opts.token);
    const ws = new Socket(url.toString());
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
    };
    ws.onmessage = (ev) => {
      try {
        const frame = parsePushFrame(JSON.parse(String(ev.data)));
        for (const l of listeners.get(frame.channel) ?? []) (l as (p: typeof frame.payload) => void)(frame.payload);
      } catch {
        // A frame that fails the contract is dropped; the next snapshot brings the truth.
      }
    };
    ws.onclose = () => {
      socket = undefined;
      if (closed) return;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    };
    ws.onerror = () => ws.close();
  };

  return {
    async invoke(method, params) {
      let res: Response;
      try {
        res = await doFetch(new URL(headlessPaths.invoke(method), opts.baseUrl), {
          method: "POST",
          headers: { "content-type": "application/json", [TOKEN_HEADER]: opts.token },
          body: JSON.stringify(params ?? {}),
        });
      } catch {
        throw new PouwError("WORKER_UNAVAILABLE", "the miner is not answering — is pouw-miner headless still running?");
      }
      const parsed = InvokeEnvelopeShape.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new PouwError("INTERNAL", `unexpected answer from the miner (HTTP ${res.status})`);
      return unwrapEnvelope(parsed.data as InvokeEnvelope<typeof method>);
    },
    subscribe<C extends PushChannel>(channel: C, listener: (payload: PushPayload<C>) => void) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(channel, set);
      connect();
      return () => set.delete(listener as (payload: never) => void);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}

/**
 * The launch token arrives in the URL fragment (never sent to any server, never in logs). It is moved
 * to sessionStorage, so a reload keeps working, and removed from the address bar.
 */
export function takeLaunchToken(
  location: { hash: string; pathname: string; search: string },
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void },
  history: { replaceState(data: unknown, unused: string, url: string): void },
): string | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromHash = params.get(TOKEN_FRAGMENT_KEY);
  if (fromHash) {
    storage.setItem(TOKEN_FRAGMENT_KEY, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_FRAGMENT_KEY) ?? undefined;
}
