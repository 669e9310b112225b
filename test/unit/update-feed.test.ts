import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UpdateView } from "../../src-shared/app-views.js";
import type { UpdateRelease } from "../../src-main/update/backend.js";
import { FeedBackend } from "../../src-main/update/feed-backend.js";
import type { SessionGate } from "../../src-main/update/session-gate.js";
import { UpdateStore } from "../../src-main/update/update-store.js";
import { Updater } from "../../src-main/update/updater.js";

/**
 * The plain-Node feed backend and the Updater against a generic update feed served on 127.0.0.1:
 * latest-linux.yml as electron-builder writes it, and the installer beside it.
 */
const sha512 = (bytes: Buffer) => createHash("sha512").update(bytes).digest("base64");
const payloadOf = (version: string) =>
  Buffer.from(`#!/bin/sh\n# PoUW Miner ${version} AppImage stand-in\n`.repeat(4000));

interface Release {
  version: string;
  /** What the yml promises. */
  bytes: Buffer;
  /** What the server actually sends; default the promised bytes. */
  served?: Buffer;
  /** Send the first half, wait this long, then the rest (to see progress between). */
  pauseMs?: number;
}

interface Feed {
  url: string;
  publish(release: Release): void;
  /** Requests per path so far. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const fileName = (version: string) => `PoUW-Miner-${version}.AppImage`;

async function startFeed(): Promise<Feed> {
  let release: Release | undefined;
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(pathname, (hits.get(pathname) ?? 0) + 1);
    if (!release) return void res.writeHead(404).end();
    if (pathname === "/feed/latest-linux.yml") {
      const { version, bytes } = release;
      res.writeHead(200, { "content-type": "text/yaml" });
      return void res.end(
        [
          `version: ${version}`,
          "files:",
          `  - url: ${fileName(version)}`,
          `    sha512: ${sha512(bytes)}`,
          `    size: ${bytes.length}`,
          `path: ${fileName(version)}`,
          `sha512: ${sha512(bytes)}`,
          `releaseDate: '2025-01-02T03:04:05.000Z'`,
          "",
        ].join("\n"),
      );
    }
    if (pathname === `/feed/${fileName(release.version)}`) {
      const body = release.served ?? release.bytes;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      if (!release.pauseMs) return void res.end(body);
      const half = Math.floor(body.length / 2);
      res.write(body.subarray(0, half));
      setTimeout(() => res.end(body.subarray(half)), release.pauseMs);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed`,
    publish: (r) => (release = r),
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A session with nothing in flight: installs go ahead at once. */
const idleSession: SessionGate = {
  miningState: () => "stopped",
  tasksInFlight: () => 0,
  drain: async () => undefined,
  onChange: () => () => undefined,
};

let feed: Feed;
let dataDir: string;
let store: UpdateStore;
const installed: Array<{ file: string; version: string }> = [];

function backend(currentVersion = "1.0.0"): FeedBackend {
  return new FeedBackend({
    feedUrl: feed.url,
    currentVersion,
    store,
    platform: "linux",
    arch: "x64",
    install: (file, r) => void installed.push({ file, version: r.version }),
  });
}

function updater(currentVersion = "1.0.0"): { updater: Updater; views: UpdateView[] } {
  const u = new Updater({ backend: backend(currentVersion), currentVersion, session: idleSession });
  const views: UpdateView[] = [];
  u.subscribe((v) => views.push(v));
  return { updater: u, views };
}

const filesIn = (version: string) =>
  fs.existsSync(path.join(store.dir, version)) ? fs.readdirSync(path.join(store.dir, version)) : [];

beforeEach(async () => {
  feed = await startFeed();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-update-"));
  store = new UpdateStore(path.join(dataDir, "updates"));
  installed.length = 0;
});
afterEach(async () => {
  await feed.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the update feed on 127.0.0.1", () => {
  it("downloads a newer version in the background with progress, verifies it, then installs it on request", async () => {
    const bytes = payloadOf("1.1.0");
    feed.publish({ version: "1.1.0", bytes, pauseMs: 1_100 });
    const { updater: u, views } = updater();
    const checked = await u.check();
    // The check answers before the download is done; the download goes on behind it.
    expect(checked.status).toMatchObject({ state: "downloading", version: "1.1.0" });
    await u.settled();

    expect(u.current().status).toEqual({ state: "downloaded", version: "1.1.0" });
    expect(u.current().ready).toEqual({ version: "1.1.0" });
    const downloading = views.map((v) => v.status).filter((s) => s.state === "downloading");
    // Progress between the two halves (builder-util-runtime reports once a second), then 100%.
    expect(
      downloading.some(
        (s) => s.state === "downloading" && s.percent > 0 && s.percent < 100 && s.transferred < bytes.length,
      ),
    ).toBe(true);
    expect(downloading.at(-1)).toMatchObject({ percent: 100, transferred: bytes.length, total: bytes.length });
    expect(filesIn("1.1.0")).toEqual([fileName("1.1.0")]);
    const file = path.join(store.dir, "1.1.0", fileName("1.1.0"));
    expect(sha512(fs.readFileSync(file))).toBe(sha512(bytes));

    await u.install();
    await vi.waitFor(() => expect(installed).toEqual([{ file, version: "1.1.0" }]));
  });

  it("says up to date when the feed has this version or an older one, fetching no installer", async () => {
    feed.publish({ version: "1.0.0", bytes: payloadOf("1.0.0") });
    const { updater: u } = updater();
    expect((await u.check()).status).toEqual({ state: "up-to-date" });
    expect(u.current().checkedAt).toBeGreaterThan(0);
    feed.publish({ version: "0.9.9", bytes: payloadOf("0.9.9") });
    expect((await u.check()).status).toEqual({ state: "up-to-date" });
    expect(feed.hits.get("/feed/latest-linux.yml")).toBe(2);
    expect([...feed.hits.keys()].filter((p) => p.endsWith(".AppImage"))).toEqual([]);
    await expect(u.install()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a corrupt payload: one-line error, nothing left as downloaded", async () => {
    const bytes = payloadOf("1.1.0");
    const corrupt = Buffer.from(bytes);
    corrupt[100] = corrupt[100]! ^ 0xff;
    feed.publish({ version: "1.1.0", bytes, served: corrupt });
    const { updater: u } = updater();
    await u.check();
    await u.settled();

    const status = u.current().status;
    expect(status).toMatchObject({ state: "error", code: "CHECKSUM_MISMATCH" });
    expect(status.state === "error" && status.message).toMatch(/^update 1\.1\.0 refused: .*sha512/);
    expect(status.state === "error" && status.message.includes("\n")).toBe(false);
    expect(u.current().ready).toBeUndefined();
    expect(filesIn("1.1.0")).toEqual([]);
    await expect(u.install()).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(installed).toEqual([]);
  });

  it("keeps a verified download when a later one is corrupt, and installs the verified one", async () => {
    const good = payloadOf("1.1.0");
    feed.publish({ version: "1.1.0", bytes: good });
    const { updater: u } = updater();
    await u.check();
    await u.settled();
    const kept = path.join(store.dir, "1.1.0", fileName("1.1.0"));
    const before = fs.statSync(kept);

    const next = payloadOf("1.2.0");
    feed.publish({ version: "1.2.0", bytes: next, served: next.subarray(0, next.length - 10) });
    await u.check();
    await u.settled();

    expect(u.current().status).toMatchObject({ state: "error", code: "CHECKSUM_MISMATCH" });
    expect(u.current().ready).toEqual({ version: "1.1.0" });
    expect(filesIn("1.2.0")).toEqual([]);
    expect(sha512(fs.readFileSync(kept))).toBe(sha512(good));
    expect(fs.statSync(kept).mtimeMs).toBe(before.mtimeMs);

    await u.install();
    await vi.waitFor(() => expect(installed).toEqual([{ file: kept, version: "1.1.0" }]));
  });

  it("reuses a download verified by an earlier launch instead of fetching it again", async () => {
    feed.publish({ version: "1.1.0", bytes: payloadOf("1.1.0") });
    const first = backend();
    const release = (await first.check()) as UpdateRelease;
    const file = await first.download(release, () => undefined, new AbortController().signal);
    expect(feed.hits.get(`/feed/${fileName("1.1.0")}`)).toBe(1);

    const again = await backend().download(release, () => undefined, new AbortController().signal);
    expect(again).toBe(file);
    expect(feed.hits.get(`/feed/${fileName("1.1.0")}`)).toBe(1);
  });

  it("stops a download when asked, leaving no partial file", async () => {
    feed.publish({ version: "1.1.0", bytes: payloadOf("1.1.0"), pauseMs: 2_000 });
    const b = backend();
    const release = (await b.check()) as UpdateRelease;
    const controller = new AbortController();
    const download = b.download(release, () => undefined, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expect(download).rejects.toMatchObject({ code: "CANCELLED" });
    expect(filesIn("1.1.0")).toEqual([]);
  });

  it("names the channel file per platform and refuses a plain-http feed off this computer", async () => {
    const of = (platform: "linux" | "win32" | "darwin", arch = "x64") =>
      new FeedBackend({ feedUrl: feed.url, currentVersion: "1.0.0", store, platform, arch, install: () => undefined })
        .channelFile;
    expect([of("linux"), of("linux", "arm64"), of("win32"), of("darwin")]).toEqual([
      "latest-linux.yml",
      "latest-linux-arm64.yml",
      "latest.yml",
      "latest-mac.yml",
    ]);
    expect(
      () =>
        new FeedBackend({
          feedUrl: "http://updates.example/feed",
          currentVersion: "1.0.0",
          store,
          install: () => undefined,
        }),
    ).toThrow(/must be https/);
  });

  it("reports a feed it cannot use on one line, and a missing feed file", async () => {
    const { updater: u } = updater();
    const missing = (await u.check()).status;
    expect(missing).toMatchObject({ state: "error", code: "DOWNLOAD_FAILED" });
    expect(missing.state === "error" && missing.message).toMatch(
      /^could not check for updates \(latest-linux\.yml\): /,
    );
    expect(missing.state === "error" && missing.message.includes("\n")).toBe(false);

    feed.publish({ version: "not a version", bytes: payloadOf("x") });
    const odd = (await u.check()).status;
    expect(odd).toMatchObject({ state: "error", code: "DOWNLOAD_FAILED" });
    expect(odd.state === "error" && odd.message).toMatch(/latest-linux\.yml is not usable: version/);
  });
});
