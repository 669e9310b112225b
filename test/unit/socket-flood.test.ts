import { createServer, type Server } from "node:http";
import net from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { startHeadlessServer, type HeadlessServer } from "../../src-main/headless/server.js";
import { limitConnections, type ConnectionLimits } from "../../src-main/http/connection-limits.js";
import { ApiKeyStore, createApiKey } from "../../src-network/router/api-keys.js";
import { serveRouter } from "../../src-network/router/router-server.js";
import { openSettings } from "../../src-main/settings/store.js";
import { headlessPaths } from "../../src-shared/headless-protocol.js";

const limits: ConnectionLimits = { maxConnections: 32, idleMs: 60_000, requestMs: 60_000 };
const FLOOD = 400;

/** Opens `count` sockets that never send a byte; resolves once each is connected. */
async function flood(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    sockets.push(socket);
    await new Promise<void>((resolve) => {
      socket.once("connect", () => resolve());
      socket.once("close", () => resolve());
    });
  }
  return sockets;
}

const serverConnections = (server: Server) =>
  new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

let dir: string;
let core: MainCore;
let headless: HeadlessServer;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-flood-"));
  core = createMemoryCore({ appVersion: "0.0.0-test", settings: openSettings({ cwd: path.join(dir, "settings") }) });
  headless = await startHeadlessServer({ core, connectionLimits: limits });
});
afterAll(async () => {
  await headless?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a flood of idle sockets", () => {
  it("leaves the headless dashboard server answering, holding no more than its cap", async () => {
    const sockets = await flood(headless.port, FLOOD);
    try {
      const res = await fetch(`http://127.0.0.1:${headless.port}${headlessPaths.status}`);
      expect(res.status).toBe(200);
      // The server closes what it will not hold; the test times out if it holds more than its cap.
      while (sockets.filter((s) => !s.closed).length > limits.maxConnections)
        await new Promise((r) => setTimeout(r, 10));
      expect(sockets.filter((s) => !s.closed).length).toBeGreaterThan(0);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
  });

  it("leaves the router answering, holding no more than its cap", async () => {
    const keysFile = path.join(dir, "router-keys.json");
    const { key } = await createApiKey(keysFile, {
      account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      limitWei: 1n,
    });
    const keys = await ApiKeyStore.open(keysFile);
    const router = await serveRouter(
      { models: ["stories260K"], infer: () => Promise.reject(new Error("no chain in this test")) },
      { keys, connectionLimits: limits },
    );
    const sockets = await flood(Number(new URL(router.url).port), FLOOD);
    try {
      const res = await fetch(`${router.url}/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: [{ id: "stories260K" }] });
      expect(await serverConnections(router.server)).toBeLessThanOrEqual(limits.maxConnections);
    } finally {
      sockets.forEach((s) => s.destroy());
      await router.close();
    }
  });

  it("closes a connection that sends nothing (or only part of a request) once it has idled", async () => {
    const server = createServer((_req, res) => res.end("ok"));
    limitConnections(server, { maxConnections: 8, idleMs: 200, requestMs: 60_000 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const [silent, slow] = await flood(port, 2);
      slow!.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // headers never finished
      await Promise.all([silent, slow].map((s) => new Promise((resolve) => s!.once("close", resolve))));
      expect(await serverConnections(server)).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("never evicts a connection busy with a request; a newcomer is refused instead", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let received = 0;
    const server = createServer((_req, res) => {
      received++;
      void held.then(() => res.end("done"));
    });
    limitConnections(server, { maxConnections: 2, idleMs: 60_000, requestMs: 60_000 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const slow = [fetch(`http://127.0.0.1:${port}/a`), fetch(`http://127.0.0.1:${port}/b`)];
      while (received < 2) await new Promise((r) => setImmediate(r));
      const [late] = await flood(port, 1);
      await new Promise((resolve) => late!.once("close", resolve));
      release();
      expect(await Promise.all(slow.map(async (r) => (await r).text()))).toEqual(["done", "done"]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
