import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCore } from "../../src-main/session/memory-core.js";
import type { MainCore } from "../../src-main/session/main-core.js";
import { startHeadlessServer, type HeadlessServer } from "../../src-main/headless/server.js";
import { openSettings } from "../../src-main/settings/store.js";
import { createHttpClient, takeLaunchToken } from "../../src-renderer/src/lib/client/http-client.js";
import type { PatchMessage, SnapshotMessage } from "../../src-shared/app-contract.js";

// The browser dashboard's transport against the real headless server: one contract, both ends.
let dir: string;
let core: MainCore;
let server: HeadlessServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-http-client-"));
  core = createMemoryCore({ appVersion: "9.9.9", settings: openSettings({ cwd: dir }) });
  server = await startHeadlessServer({ core });
});
afterAll(async () => {
  await server?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (token = server.token) =>
  createHttpClient({ baseUrl: `http://127.0.0.1:${server.port}`, token, WebSocketImpl: WebSocket as never });

describe("headless HTTP client", () => {
  it("invokes methods and gets typed results", async () => {
    const c = client();
    const { snapshot } = await c.invoke("getSnapshot", {});
    expect(snapshot.appVersion).toBe("9.9.9");
    expect((await c.invoke("updateSettings", { idleOnly: true })).idleOnly).toBe(true);
    c.close();
  });

  it("turns an error envelope into a PouwError with main's code", async () => {
    const c = client();
    await expect(c.invoke("updateSettings", { idleMinutes: 0 })).rejects.toMatchObject({
      name: "PouwError",
      code: "INVALID_PARAMS",
    });
    c.close();
  });

  it("rejects with a clear error when the token is wrong", async () => {
    const c = client("nope");
    await expect(c.invoke("stopMining", {})).rejects.toMatchObject({
      code: "BAD_USAGE",
      message: expect.stringContaining("token"),
    });
    c.close();
  });

  it("receives the snapshot then patches", async () => {
    const c = client();
    const snapshots: SnapshotMessage[] = [];
    const patches: PatchMessage[] = [];
    c.subscribe("snapshot", (s) => snapshots.push(s));
    c.subscribe("patch", (p) => patches.push(p));
    await until(() => snapshots.length === 1);
    await c.invoke("startMining", {});
    await until(() => patches.length > 0);
    expect(patches[0]!.rev).toBe(snapshots[0]!.rev + 1);
    c.close();
  });

  it("takes the launch token from the URL fragment and keeps it for reloads", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const replaced: string[] = [];
    const history = { replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) };
    expect(takeLaunchToken({ hash: "#token=abc", pathname: "/", search: "" }, storage, history)).toBe("abc");
    expect(replaced).toEqual(["/"]);
    expect(takeLaunchToken({ hash: "", pathname: "/", search: "" }, storage, history)).toBe("abc");
  });
});

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
