import {
  FetchRequest,
  JsonRpcProvider,
  type JsonRpcApiProviderOptions,
  type JsonRpcPayload,
  type JsonRpcResult,
  type Networkish,
} from "ethers";

/** How long an endpoint that failed is passed over before it is tried first again. */
const DOWN_FOR_MS = 30_000;

export interface RpcEndpointHealth {
  url: string;
  /** False while the endpoint is passed over after a failure. */
  healthy: boolean;
  failures: number;
  lastError?: string;
}

/**
 * A JsonRpcProvider over several endpoints of one chain (a network's RPC URLs): each request goes
 * to the first healthy endpoint in the listed order; a transport failure (refused, reset, timed out,
 * an HTTP error after ethers' own 429 retries) marks that endpoint down for a while and the same
 * request goes to the next. JSON-RPC errors (a revert, a bad parameter) are answers, not failures:
 * every endpoint would give them. Being a JsonRpcProvider, it goes wherever one does (log sync,
 * contracts, tx queue).
 */
export class FailoverJsonRpcProvider extends JsonRpcProvider {
  readonly #urls: readonly string[];
  readonly #downUntil: number[];
  readonly #failures: number[];
  readonly #lastError: Array<string | undefined>;
  readonly #timeoutMs: number | undefined;

  constructor(
    urls: readonly string[],
    network?: Networkish,
    options?: JsonRpcApiProviderOptions & { timeoutMs?: number },
  ) {
    if (urls.length === 0) throw new Error("FailoverJsonRpcProvider needs at least one RPC URL");
    super(urls[0], network, options);
    this.#urls = urls;
    this.#downUntil = urls.map(() => 0);
    this.#failures = urls.map(() => 0);
    this.#lastError = urls.map(() => undefined);
    this.#timeoutMs = options?.timeoutMs;
  }

  /** Each endpoint's state, for the network view and logs. */
  health(now = Date.now()): RpcEndpointHealth[] {
    return this.#urls.map((url, i) => ({
      url,
      healthy: this.#downUntil[i]! <= now,
      failures: this.#failures[i]!,
      ...(this.#lastError[i] ? { lastError: this.#lastError[i] } : {}),
    }));
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const now = Date.now();
    const order = this.#urls
      .map((_, i) => i)
      .sort((a, b) => Number(this.#downUntil[a]! > now) - Number(this.#downUntil[b]! > now) || a - b);
    let lastError: unknown;
    for (const i of order) {
      const request = new FetchRequest(this.#urls[i]!);
      if (this.#timeoutMs !== undefined) request.timeout = this.#timeoutMs;
      request.body = JSON.stringify(payload);
      request.setHeader("content-type", "application/json");
      try {
        const response = await request.send();
        response.assertOk();
        const body = response.bodyJson as JsonRpcResult | JsonRpcResult[];
        this.#downUntil[i] = 0;
        return Array.isArray(body) ? body : [body];
      } catch (err) {
        lastError = err;
        this.#failures[i]!++;
        this.#lastError[i] = (err instanceof Error ? err.message : String(err)).split("\n")[0];
        this.#downUntil[i] = Date.now() + DOWN_FOR_MS;
      }
    }
    throw lastError;
  }
}
