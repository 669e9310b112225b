import type { IncomingMessage } from "node:http";

/**
 * Rejects requests whose Host is not our loopback address: a web page on another site could
 * otherwise reach this server through DNS rebinding (evil.example resolving to 127.0.0.1).
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** Browsers send Origin on WebSocket upgrades and cross-site fetches: it must be our own page. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser (CLI tools, tests)
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
