import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildCsp } from "../../src-main/electron/csp.js";
import { isAllowedExternalUrl, isAppUrl } from "../../src-main/electron/navigation-guard.js";
import { buildWindowOptions } from "../../src-main/electron/window-options.js";

const rendererDir = path.resolve("/opt/PoUW Miner/resources/app.asar/dist/renderer");
const fileUrl = (p: string) => pathToFileURL(p).href;

describe("buildWindowOptions", () => {
  it("locks every window down", () => {
    const options = buildWindowOptions({ preloadPath: "/app/dist/electron/preload.cjs" });
    expect(options.webPreferences).toMatchObject({
      preload: "/app/dist/electron/preload.cjs",
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
  });

  it("keeps the lock-down whatever the caller passes", () => {
    const options = buildWindowOptions({ preloadPath: "/p.cjs", title: "T", width: 10, iconPath: "/i.png" });
    expect(options).toMatchObject({ title: "T", width: 10, icon: "/i.png" });
    expect(options.webPreferences?.sandbox).toBe(true);
  });
});

describe("buildCsp", () => {
  it("allows only the app's own files, nothing inline", () => {
    const csp = buildCsp();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("object-src 'none'");
  });

  it("lets the dev server's styles and socket in only while developing", () => {
    const csp = buildCsp({ devServerOrigin: "http://127.0.0.1:5173" });
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:5173");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("is the same policy index.html carries as a <meta>", () => {
    const html = fs.readFileSync(path.resolve("src-renderer/index.html"), "utf8");
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(buildCsp());
  });
});

describe("isAppUrl", () => {
  const origin = { rendererDir };

  it("allows the renderer's own files", () => {
    expect(isAppUrl(fileUrl(path.join(rendererDir, "index.html")), origin)).toBe(true);
    expect(isAppUrl(fileUrl(path.join(rendererDir, "assets", "index-abc.js")) + "#x", origin)).toBe(true);
  });

  it("blocks other files, traversal, remote hosts and other schemes", () => {
    expect(isAppUrl(fileUrl(path.join(rendererDir, "..", "electron", "main.js")), origin)).toBe(false);
    expect(isAppUrl(fileUrl(`${rendererDir}-evil/index.html`), origin)).toBe(false);
    expect(isAppUrl(`${fileUrl(rendererDir)}/../../secret.txt`, origin)).toBe(false);
    expect(isAppUrl("file://evil-host/share/index.html", origin)).toBe(false);
    expect(isAppUrl("https://example.com/", origin)).toBe(false);
    expect(isAppUrl("javascript:alert(1)", origin)).toBe(false);
    expect(isAppUrl("not a url", origin)).toBe(false);
  });

  it("allows the dev server's exact origin only when one is set", () => {
    const dev = { rendererDir, devServerUrl: "http://127.0.0.1:5173/" };
    expect(isAppUrl("http://127.0.0.1:5173/src/App.svelte", dev)).toBe(true);
    expect(isAppUrl("http://127.0.0.1:5174/", dev)).toBe(false);
    expect(isAppUrl("http://localhost:5173/", dev)).toBe(false);
    expect(isAppUrl("http://127.0.0.1:5173/", origin)).toBe(false);
  });
});

describe("isAllowedExternalUrl", () => {
  it("opens only https links without credentials", () => {
    expect(isAllowedExternalUrl("https://docs.cortensor.network/")).toBe(true);
    expect(isAllowedExternalUrl("http://example.com/")).toBe(false);
    expect(isAllowedExternalUrl("https://user:pw@example.com/")).toBe(false);
    expect(isAllowedExternalUrl("file:///etc/passwd")).toBe(false);
    expect(isAllowedExternalUrl("javascript:alert(1)")).toBe(false);
    expect(isAllowedExternalUrl("smb://host/share")).toBe(false);
    expect(isAllowedExternalUrl("")).toBe(false);
  });
});
