import type { IncomingMessage } from "node:http";
import { hostAllowed, originAllowed } from "../../src-main/http/loopback-origin.js";
import type { ApiKeyGrant, ApiKeyStore } from "./api-keys.js";
import { routerErrors } from "./router-error.js";

/**
 * What a request must show before the router does anything on its behalf. A web page in the
 * user's browser can reach 127.0.0.1, so: the Host must be our loopback address (no DNS
 * rebinding), a browser Origin must be our own, a body must be application/json (a cross-origin
 * page can send text/plain without a preflight, never application/json), and the API key must be
 * one the router issued. Checked in that order; throws the matching RouterError.
 */
export async function admitRequest(req: IncomingMessage, port: number, keys: ApiKeyStore): Promise<ApiKeyGrant> {
  if (!hostAllowed(req, port))
    throw routerErrors.forbidden("unexpected Host header: the router answers only at 127.0.0.1 or localhost");
  if (!originAllowed(req, port))
    throw routerErrors.forbidden(
      `requests from web pages on other origins are refused (Origin: ${String(req.headers.origin)})`,
    );
  if (req.method === "POST") {
    const type = req.headers["content-type"];
    if (type?.split(";")[0]?.trim().toLowerCase() !== "application/json") throw routerErrors.mediaType(type);
  }
  const grant = await keys.authenticate(bearerOf(req));
  if (!grant) throw routerErrors.unauthorized();
  return grant;
}

function bearerOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const match = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return match?.[1];
}
