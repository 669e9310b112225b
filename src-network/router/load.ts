import { z } from "zod";
import { TASK_STATES } from "../../src-shared/pouw-states.js";
import { OpenAiErrorBody, PouwReceipt } from "../../src-shared/router-contract.js";

export interface LoadOptions {
  /** The router's OpenAI base URL (`…/v1`). */
  routerUrl: string;
  /** An API key of that router (`pouw-miner router keys create`). */
  apiKey: string;
  requests: number;
  concurrency: number;
  /** Default: the first model the router lists. */
  model?: string;
  maxTokens?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  routerUrl: string;
  model: string;
  requests: number;
  concurrency: number;
  ok: number;
  failed: number;
  /** Failures by OpenAI error code (or HTTP status / network error). */
  failures: Record<string, number>;
  /** The first message seen for each failure code. */
  failureMessages: Record<string, string>;
  wallMs: number;
  /** Answered requests (each a settled task) per second of wall time. */
  tasksPerSecond: number;
  /** Milliseconds from sending the request to the answer. */
  latencyMs: Percentiles;
  /** Milliseconds from the router receiving the request to each state being seen on chain. */
  stateMs: Partial<Record<(typeof TASK_STATES)[number], Percentiles>>;
}

const Answer = z.object({ pouw: PouwReceipt });
const ModelList = z.object({ data: z.array(z.object({ id: z.string() })) });

const PROMPTS = [
  "Once upon a time",
  "The little dog",
  "Lily went to the park",
  "Tom had a red ball",
  "The sun was warm",
  "A bird sang",
];

/**
 * Drives the router with `requests` chat completions, `concurrency` at a time, and measures what
 * the network did with them: throughput, latency end to end and per task state, failures.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const base = opts.routerUrl.replace(/\/+$/, "");
  const auth = { authorization: `Bearer ${opts.apiKey}` };
  const model = opts.model ?? (await firstModel(base, auth, opts.signal));
  const latencies: number[] = [];
  const states = new Map<string, number[]>();
  const failures: Record<string, number> = {};
  const failureMessages: Record<string, string> = {};
  const fail = (code: string, message: string) => {
    failures[code] = (failures[code] ?? 0) + 1;
    failureMessages[code] ??= message;
  };
  let next = 0;
  let done = 0;
  const started = performance.now();

  const one = async (i: number) => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({
          model,
          messages: [{ role: "user", content: `${PROMPTS[i % PROMPTS.length]} (${i})` }],
          max_tokens: opts.maxTokens ?? 16,
        }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const body: unknown = await res.json();
      if (!res.ok) {
        const err = OpenAiErrorBody.safeParse(body);
        if (err.success) fail(err.data.error.code ?? `http_${res.status}`, err.data.error.message);
        else fail(`http_${res.status}`, JSON.stringify(body).slice(0, 200));
        return;
      }
      latencies.push(performance.now() - t0);
      for (const s of Answer.parse(body).pouw.states) {
        const list = states.get(s.state) ?? [];
        list.push(s.ms);
        states.set(s.state, list);
      }
    } catch (err) {
      if (opts.signal?.aborted) return;
      fail(err instanceof Error ? err.name : "error", err instanceof Error ? err.message : String(err));
    } finally {
      opts.onProgress?.(++done, opts.requests);
    }
  };
  const lane = async () => {
    while (next < opts.requests && !opts.signal?.aborted) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.requests) }, lane));

  const wallMs = performance.now() - started;
  const stateMs: LoadReport["stateMs"] = {};
  for (const s of TASK_STATES) {
    const list = states.get(s);
    if (list) stateMs[s] = percentiles(list);
  }
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    routerUrl: base,
    model,
    requests: opts.requests,
    concurrency: opts.concurrency,
    ok: latencies.length,
    failed,
    failures,
    failureMessages,
    wallMs,
    tasksPerSecond: latencies.length / (wallMs / 1000),
    latencyMs: percentiles(latencies),
    stateMs,
  };
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? 0 };
}

async function firstModel(base: string, headers: Record<string, string>, signal?: AbortSignal): Promise<string> {
  const res = await fetch(`${base}/models`, { headers, ...(signal ? { signal } : {}) });
  if (!res.ok) {
    const err = OpenAiErrorBody.safeParse(await res.json().catch(() => undefined));
    throw new Error(
      `the router at ${base} refused to list its models: ${err.success ? err.data.error.message : `HTTP ${res.status}`}`,
    );
  }
  const first = ModelList.parse(await res.json()).data[0];
  if (!first) throw new Error(`the router at ${base} serves no model`);
  return first.id;
}
