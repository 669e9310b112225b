import net from "node:net";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { startHeadlessServer, type HeadlessServer } from "../../src-main/headless/server.js";
import { openSettings } from "../../src-main/settings/store.js";
import { TOKEN_HEADER, headlessPaths } from "../../src-shared/headless-protocol.js";

let dir: string;
let core: MainCore;
let server: HeadlessServer;
let base: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-client-errors-"));
  await mkdir(path.join(dir, "www"));
  await writeFile(path.join(dir, "www", "index.html"), "<!doctype html><title>PoUW</title>");
  core = createMemoryCore({ appVersion: "0.0.0-test", settings: openSettings({ cwd: path.join(dir, "settings") }) });
  server = await startHeadlessServer({ core, staticDir: path.join(dir, "www") });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

const invoke = async (method: string, body: unknown) => {
  const res = await fetch(base + headlessPaths.invoke(method), {
    method: "POST",
    headers: { "content-type": "application/json", [TOKEN_HEADER]: server.token },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: string } } };
};

/** Sends one raw request line (what fetch would normalise away) and returns the status line's code. */
function rawStatus(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)));
    socket.on("error", reject);
  });
}

describe("the headless server answers client errors as 4xx with the error's code", () => {
  it("a wrong wallet password is 403 WRONG_PASSWORD, an unknown model 404 UNKNOWN_MODEL", async () => {
    expect((await invoke("createWallet", { password: "a long enough password" })).status).toBe(200);
    expect(await invoke("unlockWallet", { password: "not the password" })).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: "WRONG_PASSWORD" } },
    });
    expect(await invoke("downloadModel", { id: "no-such-model" })).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: "UNKNOWN_MODEL" } },
    });
  });

  it("a malformed %-escape is 400, in a method name and in a dashboard path, never a URIError 500", async () => {
    const method = await fetch(`${base}${headlessPaths.invokePrefix}%E0%A4%A`, {
      method: "POST",
      headers: { [TOKEN_HEADER]: server.token },
    });
    expect(method.status).toBe(400);
    expect(await method.json()).toMatchObject({
      ok: false,
      error: { code: "BAD_USAGE", message: expect.stringMatching(/%-escape/) },
    });
    const page = await fetch(`${base}/assets/%E0%A4%A.js`);
    expect(page.status).toBe(400);
    expect(await page.text()).not.toContain("URIError");
  });

  it("a request target that is not a URL is 400, and the server goes on answering", async () => {
    expect(await rawStatus(server.port, "http://[")).toBe(400);
    expect((await fetch(base + headlessPaths.status)).status).toBe(200);
  });
});
