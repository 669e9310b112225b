import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { startHeadlessServer, type HeadlessServer } from "../../src-main/headless/server.js";
import { openSettings } from "../../src-main/settings/store.js";
import { TOKEN_HEADER, headlessPaths, parsePushFrame, type PushFrame } from "../../src-shared/headless-protocol.js";

let dir: string;
let core: MainCore;
let server: HeadlessServer;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-headless-"));
  await mkdir(path.join(dir, "www"));
  await writeFile(path.join(dir, "www", "index.html"), "<!doctype html><title>PoUW</title>");
  await writeFile(path.join(dir, "secret.txt"), "outside the static folder");
  core = createMemoryCore({ appVersion: "0.0.0-test", settings: openSettings({ cwd: path.join(dir, "settings") }) });
  server = await startHeadlessServer({ core, staticDir: path.join(dir, "www") });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

const invoke = (method: string, body: unknown, token: string | null = server.token) =>
  fetch(base + headlessPaths.invoke(method), {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { [TOKEN_HEADER]: token } : {}) },
    body: JSON.stringify(body),
  });

describe("headless server", () => {
  it("serves the status snapshot without a token", async () => {
    const res = await fetch(base + headlessPaths.status);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rev: number; snapshot: { appVersion: string } };
    expect(body.snapshot.appVersion).toBe("0.0.0-test");
  });

  it("refuses commands without the launch token", async () => {
    expect((await invoke("startMining", {}, null)).status).toBe(401);
    expect((await invoke("startMining", {}, "wrong-token")).status).toBe(401);
    expect(core.getSnapshot().snapshot.mining.state).toBe("stopped");
  });

  it("runs commands with the token and answers errors as typed envelopes", async () => {
    const ok = await invoke("updateSettings", { idleMinutes: 9 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, result: { idleMinutes: 9 } });

    const bad = await invoke("updateSettings", { idleMinutes: -1 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: "INVALID_PARAMS" } });
    expect((await invoke("noSuchMethod", {})).status).toBe(404);
  });

  it("rejects a foreign Host header (DNS rebinding) and a foreign Origin", async () => {
    const http = await import("node:http");
    const status = await new Promise<number>((resolve) => {
      http.get(
        { host: "127.0.0.1", port: server.port, path: headlessPaths.status, headers: { host: "evil.example" } },
        (res) => resolve(res.statusCode ?? 0),
      );
    });
    expect(status).toBe(403);
    const cross = await fetch(base + headlessPaths.invoke("stopMining"), {
      method: "POST",
      headers: { [TOKEN_HEADER]: server.token, origin: "http://evil.example" },
    });
    expect(cross.status).toBe(401);
  });

  it("streams a snapshot and then patches over the WebSocket", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${headlessPaths.events}?token=${server.token}`);
    const frames: PushFrame[] = [];
    ws.on("message", (data) => frames.push(parsePushFrame(JSON.parse(String(data)))));
    await new Promise((r) => ws.once("open", r));
    await waitFor(() => frames.length >= 1);
    expect(frames[0]?.channel).toBe("snapshot");
    await invoke("startMining", {});
    await waitFor(() => frames.some((f) => f.channel === "patch"));
    const patch = frames.find((f) => f.channel === "patch");
    expect(patch?.channel === "patch" && patch.payload.ops.some((op) => op.path.startsWith("/mining"))).toBe(true);
    ws.close();
  });

  it("forwards every live channel of the contract, log lines included", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${headlessPaths.events}?token=${server.token}`);
    const frames: PushFrame[] = [];
    ws.on("message", (data) => frames.push(parsePushFrame(JSON.parse(String(data)))));
    await new Promise((r) => ws.once("open", r));
    await waitFor(() => frames.length >= 1);
    await invoke("stopMining", {});
    await waitFor(() => frames.some((f) => f.channel === "log"));
    const log = frames.find((f) => f.channel === "log");
    expect(log?.channel === "log" && log.payload).toMatchObject({ level: "info", message: "mining stopped" });
    ws.close();
  });

  it("refuses the event socket without the token", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${headlessPaths.events}`);
    const outcome = await new Promise<string>((resolve) => {
      ws.once("open", () => resolve("open"));
      ws.once("error", () => resolve("refused"));
    });
    expect(outcome).toBe("refused");
  });

  it("serves the dashboard with a CSP and never files outside its folder", async () => {
    const page = await fetch(base + "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await page.text()).toContain("<title>PoUW</title>");
    const escape = await fetch(base + "/..%2fsecret.txt");
    expect(await escape.text()).not.toContain("outside the static folder");
  });

  it("gives a dashboard URL carrying the token in the fragment", () => {
    expect(server.dashboardUrl).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
  });
});

async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
