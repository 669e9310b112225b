import { spawn } from "node:child_process";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseEther } from "ethers";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenedOracle } from "../../src-network/oracle/open-oracle.js";
import { createApiKey, revokeApiKey } from "../../src-network/router/api-keys.js";
import { runLoad } from "../../src-network/router/load.js";
import { startRouter, type RunningRouter } from "../../src-network/router/router.js";
import { OpenAiErrorBody, PouwReceipt, POUW_TASK_ID_HEADER } from "../../src-shared/router-contract.js";
import { startChain, type Chain } from "./fixture.js";
import { startRig, stopRig, type MinerRig } from "./miner-harness.js";
import { startTestOracle } from "./oracle-harness.js";

// The router over a chain with three fake-inference miners and an oracle; the devnet's real
// workers are exercised in devnet-network.test.ts.
let chain: Chain;
let dir: string;
let rigs: MinerRig[] = [];
let oracle: OpenedOracle;
let router: RunningRouter;
let keysFile: string;
let apiKey: string;
const oracleErrors: unknown[] = [];

const EVERY_STATE = ["Request", "Start", "Precommit", "Commit", "End"];

beforeAll(async () => {
  chain = await startChain({ miners: 3, oracles: 1, requesters: 2 });
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-router-"));
  rigs = await Promise.all(chain.miners.map((m, i) => startRig(chain, m, path.join(dir, `miner-${i}`))));
  oracle = await startTestOracle(chain, dir, oracleErrors);
  keysFile = path.join(dir, "router-keys.json");
  apiKey = (await createApiKey(keysFile, { account: chain.requesters[0]!.address, limitWei: parseEther("1000") })).key;
  router = await startRouter({
    deployment: chain.deployment,
    rpcUrl: chain.anvil.rpcUrl,
    requesterKeys: chain.requesters.map((r) => r.wallet.privateKey),
    keysFile,
    models: ["stories260K", "nobody-serves-this"],
    pollMs: 50,
    limits: { timeoutMs: 30_000 },
  });
}, 60_000);

afterAll(async () => {
  await router?.close();
  await oracle?.close();
  for (const r of rigs) await stopRig(r);
  await chain?.stop();
  await rm(dir, { recursive: true, force: true });
});

const client = () => new OpenAI({ baseURL: router.url, apiKey, maxRetries: 0 });

describe("router (OpenAI-compatible)", () => {
  it("answers a chat completion through every state of a user task, with its task id and transactions", async () => {
    const { data, response } = await client()
      .chat.completions.create({
        model: "stories260K",
        messages: [{ role: "user", content: "Tell me about the park" }],
        max_tokens: 16,
      })
      .withResponse();
    const text = data.choices[0]?.message.content ?? "";
    expect(text.length).toBeGreaterThan(0);
    const pouw = PouwReceipt.parse((data as unknown as { pouw: unknown }).pouw);
    expect(response.headers.get(POUW_TASK_ID_HEADER)).toBe(pouw.taskId);
    expect(pouw.states.map((s) => s.state)).toEqual(EVERY_STATE);
    expect(pouw.k).toBe(3);
    for (const s of pouw.states) expect(s.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    // The answer is what the consensus slot revealed on chain.
    const receipt = await chain.provider.getTransactionReceipt(pouw.states.at(-1)!.txHash);
    expect(receipt?.status).toBe(1);
    expect(pouw.scoresBps[pouw.consensusSlot]).toBe(Math.max(...pouw.scoresBps));
    const task = await chain.owner.c.tasks.read("getTask", BigInt(pouw.taskId));
    expect(chain.requesters.map((r) => r.address)).toContain(task.requester);
  });

  it("streams a chat completion (SSE) and lists its models", async () => {
    const stream = await client().chat.completions.create({
      model: "stories260K",
      messages: [{ role: "user", content: "Once upon a time" }],
      max_tokens: 12,
      stream: true,
    });
    let text = "";
    let pouw: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      pouw ??= (chunk as unknown as { pouw?: unknown }).pouw;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(PouwReceipt.parse(pouw).states.map((s) => s.state)).toEqual(EVERY_STATE);

    const models = [];
    for await (const m of client().models.list()) models.push(m.id);
    expect(models).toEqual(["stories260K", "nobody-serves-this"]);
  });

  it("serves plain completions, streamed too", async () => {
    const res = await client().completions.create({ model: "stories260K", prompt: "The cat", max_tokens: 8 });
    expect(res.choices[0]?.text.length).toBeGreaterThan(0);
    const stream = await client().completions.create({
      model: "stories260K",
      prompt: "The dog",
      max_tokens: 8,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text.length).toBeGreaterThan(0);
  });

  it("answers errors OpenAI-style with proper status codes", async () => {
    const post = async (body: string) => {
      const res = await fetch(`${router.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body,
      });
      return { status: res.status, body: OpenAiErrorBody.parse(await res.json()) };
    };
    const chat = (model: string, extra: object = {}) =>
      JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra });

    const unknown = await post(chat("gpt-4"));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("model_not_found");
    await expect(
      client().chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    const tooMany = await post(chat("stories260K", { max_tokens: 100_000 }));
    expect(tooMany).toMatchObject({
      status: 400,
      body: { error: { code: "context_length_exceeded", param: "max_tokens" } },
    });
    const longPrompt = await post(
      JSON.stringify({ model: "stories260K", messages: [{ role: "user", content: "word ".repeat(2_000) }] }),
    );
    expect(longPrompt).toMatchObject({ status: 400, body: { error: { code: "context_length_exceeded" } } });

    const badJson = await post("{not json");
    expect(badJson).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_json", type: "invalid_request_error" } },
    });
    const badShape = await post(JSON.stringify({ model: "stories260K" }));
    expect(badShape).toMatchObject({ status: 400, body: { error: { param: "messages" } } });

    const noMiners = await post(chat("nobody-serves-this"));
    expect(noMiners).toMatchObject({ status: 503, body: { error: { code: "no_miners_available" } } });

    const missing = await fetch(`${router.url}/engines`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(missing.status).toBe(404);
  });

  it("drives load through the router and reports throughput, latency per state and failures (library and CLI)", async () => {
    const report = await runLoad({ routerUrl: router.url, apiKey, requests: 6, concurrency: 3, maxTokens: 8 });
    expect(report, JSON.stringify(report.failureMessages)).toMatchObject({ ok: 6, failed: 0, model: "stories260K" });
    expect(report.tasksPerSecond).toBeGreaterThan(0);
    for (const state of EVERY_STATE) expect(report.stateMs[state as "End"]?.count).toBe(6);
    expect(report.stateMs.End!.p50).toBeGreaterThanOrEqual(report.stateMs.Start!.p50);
    const refused = await runLoad({
      routerUrl: router.url,
      apiKey,
      requests: 2,
      concurrency: 2,
      model: "nobody-serves-this",
    });
    expect(refused).toMatchObject({ ok: 0, failed: 2, failures: { no_miners_available: 2 } });

    const cli = spawn(
      process.execPath,
      [
        "bin/pouw-miner.js",
        "devnet",
        "load",
        "--router-url",
        router.url,
        "--api-key",
        apiKey,
        "--requests",
        "2",
        "--concurrency",
        "2",
        "--json",
      ],
      {
        cwd: path.resolve(import.meta.dirname, "../.."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    cli.stdout.on("data", (d: Buffer) => (out += d.toString()));
    cli.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const [code] = (await once(cli, "exit")) as [number];
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; ok?: number });
    expect(lines.slice(0, -1).every((l) => l.type === "progress")).toBe(true);
    expect(lines.at(-1), `${out}\n${err}`).toMatchObject({ type: "result", ok: 2, failed: 0 });
    expect(code).toBe(0);
  });

  it("answers 504 when the task does not end within the router's deadline", async () => {
    const impatient = await startRouter({
      deployment: chain.deployment,
      rpcUrl: chain.anvil.rpcUrl,
      requesterKeys: [chain.requesters[0]!.wallet.privateKey],
      keysFile,
      models: ["stories260K"],
      limits: { timeoutMs: 1 },
    });
    try {
      const res = await fetch(`${impatient.url}/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model: "stories260K", prompt: "Hurry" }),
      });
      expect(res.status).toBe(504);
      expect(OpenAiErrorBody.parse(await res.json()).error.code).toBe("deadline_exceeded");
    } finally {
      await impatient.close();
    }
    // The network still finishes that task; let it end before the next test file's chain checks.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(oracleErrors).toEqual([]);
  });
});

/** A POST with exactly these headers (fetch will not send a foreign Host). */
function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; code: string | null }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          code: OpenAiErrorBody.safeParse(JSON.parse(text || "{}")).data?.error.code ?? null,
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("router against hostile neighbours", () => {
  const chatBody = JSON.stringify({
    model: "stories260K",
    messages: [{ role: "user", content: "spend it all" }],
    max_tokens: 4,
  });
  const ledger = async () => ({
    tasks: await chain.owner.c.tasks.read("taskCount"),
    balances: await Promise.all(
      chain.requesters.map(async (r) => [
        await chain.owner.c.token.read("balanceOf", r.address),
        await chain.provider.getBalance(r.address),
      ]),
    ),
  });

  it("creates no task and spends nothing for a cross-origin text/plain POST, a foreign Host or Origin, or a missing, unknown or revoked key", async () => {
    const before = await ledger();
    const url = `${router.url}/chat/completions`;
    const host = new URL(router.url).host;
    const revoked = await createApiKey(keysFile, { account: chain.requesters[0]!.address, limitWei: parseEther("10") });
    await revokeApiKey(keysFile, revoked.entry.id);
    const attempts: [Record<string, string>, number, string][] = [
      // What a web page on another site can send without a preflight.
      [{ "content-type": "text/plain", origin: "http://evil.example" }, 403, "forbidden"],
      [
        { "content-type": "text/plain;charset=UTF-8", authorization: `Bearer ${apiKey}` },
        415,
        "unsupported_media_type",
      ],
      [
        { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${apiKey}` },
        415,
        "unsupported_media_type",
      ],
      [
        { "content-type": "application/json", authorization: `Bearer ${apiKey}`, origin: "http://evil.example" },
        403,
        "forbidden",
      ],
      [
        { "content-type": "application/json", authorization: `Bearer ${apiKey}`, host: "evil.example" },
        403,
        "forbidden",
      ],
      [
        {
          "content-type": "application/json",
          authorization: `Bearer ${apiKey}`,
          host: `rebound.example:${host.split(":")[1]}`,
        },
        403,
        "forbidden",
      ],
      [{ "content-type": "application/json" }, 401, "invalid_api_key"],
      [{ "content-type": "application/json", authorization: "Bearer pouw-sk-not-a-key" }, 401, "invalid_api_key"],
      [{ "content-type": "application/json", authorization: `Bearer ${revoked.key}` }, 401, "invalid_api_key"],
    ];
    for (const [headers, status, code] of attempts) {
      expect(await rawPost(url, headers, chatBody), JSON.stringify(headers)).toEqual({ status, code });
    }
    expect(await ledger()).toEqual(before);
  });

  it("pays a key's tasks from its own account and stops at its spending limit, with keys made while the router runs", async () => {
    const payer = chain.requesters[1]!;
    const { key } = await createApiKey(keysFile, { account: payer.address, limitWei: parseEther("1") }); // one task at 1 POUW
    const limited = new OpenAI({ baseURL: router.url, apiKey: key, maxRetries: 0 });
    const answer = await limited.completions.create({ model: "stories260K", prompt: "The frog", max_tokens: 4 });
    const taskId = BigInt(PouwReceipt.parse((answer as unknown as { pouw: unknown }).pouw).taskId);
    expect((await chain.owner.c.tasks.read("getTask", taskId)).requester).toBe(payer.address);

    const before = await ledger();
    await expect(
      limited.completions.create({ model: "stories260K", prompt: "The toad", max_tokens: 4 }),
    ).rejects.toMatchObject({ status: 429, code: "insufficient_quota" });
    expect(await ledger()).toEqual(before);
  });
});
