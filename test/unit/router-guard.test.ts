import net from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore, createApiKey } from "../../src-network/router/api-keys.js";
import { serveRouter } from "../../src-network/router/router-server.js";
import type { InferenceAsk } from "../../src-network/router/task-gateway.js";

// The router's front door over a gateway that records what reached it (no chain): the chain test
// (test/chain/router.test.ts) proves the same requests create no task and move no balance.
const asked: InferenceAsk[] = [];
let dir: string;
let key: string;
let router: Awaited<ReturnType<typeof serveRouter>>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-router-guard-"));
  const file = path.join(dir, "keys.json");
  key = (await createApiKey(file, { account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", limitWei: 10n })).key;
  router = await serveRouter(
    {
      models: ["m"],
      infer: (ask) => {
        asked.push(ask);
        return Promise.resolve({
          text: "ok",
          pouw: {
            taskId: "1",
            k: 1,
            states: [],
            consensusSlot: 0,
            scoresBps: [10_000],
            poiTxHash: `0x${"0".repeat(64)}`,
          },
        });
      },
    },
    { keys: await ApiKeyStore.open(file) },
  );
});
afterAll(async () => {
  await router?.close();
  await rm(dir, { recursive: true, force: true });
});

function raw(request: string): Promise<number> {
  const port = Number(new URL(router.url).port);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)));
    socket.on("error", reject);
  });
}

describe("the router's front door", () => {
  const body = JSON.stringify({ model: "m", prompt: "hi" });
  const post = (headers: Record<string, string>) =>
    fetch(`${router.url}/completions`, { method: "POST", headers, body });

  it("lets through only application/json with a key, from no foreign origin", async () => {
    expect((await post({ "content-type": "text/plain", authorization: `Bearer ${key}` })).status).toBe(415);
    expect(
      (
        await post({
          "content-type": "application/json",
          authorization: `Bearer ${key}`,
          origin: "https://evil.example",
        })
      ).status,
    ).toBe(403);
    expect((await post({ "content-type": "application/json" })).status).toBe(401);
    expect((await fetch(`${router.url}/models`)).status).toBe(401);
    expect(asked).toEqual([]);
    const ok = await post({ "content-type": "application/json; charset=utf-8", authorization: `Bearer ${key}` });
    expect(ok.status).toBe(200);
    expect(asked.map((a) => a.payer?.account)).toEqual(["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]);
  });

  it("answers a request target that is not a URL with 400 and goes on serving", async () => {
    const port = new URL(router.url).port;
    expect(
      await raw(
        `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
      ),
    ).toBe(400);
    expect((await fetch(`${router.url}/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });
});
