import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";

// `npm start` without Electron's runtime and without a reachable download host must say so at
// once and point at headless — not retry for minutes. The download host is a socket on 127.0.0.1.
const electronInstalled = existsSync("node_modules/electron/path.txt");
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onConnection: (s: Socket) => void): Promise<number> {
  const server = createServer((s) => (sockets.push(s), onConnection(s)));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/start-electron.js"],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

describe.skipIf(electronInstalled)("npm start without Electron's runtime", () => {
  it("says that the runtime could not be fetched when nothing answers at the host, and how to run headless", async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    const r = await start({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Electron's runtime could not be fetched \(127\.0\.0\.1:\d+: ECONNREFUSED\)/);
    expect(r.stderr).toContain("npm run headless");
    expect(existsSync("node_modules/electron/path.txt")).toBe(false);
  });

  it("gives up on a host that accepts and never answers after the probe's limit", async () => {
    const port = await listen(() => undefined);
    const r = await start({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, POUW_ELECTRON_PROBE_TIMEOUT_MS: "300" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no answer in 0.3 s");
  });
});
