/**
 * The renderer's Content-Security-Policy. The packaged app loads only its own files, so everything is
 * 'self' and nothing inline. The Vite dev server additionally needs inline styles (it injects <style>
 * tags for hot reload) and its WebSocket.
 */
export interface CspOptions {
  /** e.g. "http://localhost:5173" while developing; absent for the packaged app. */
  devServerOrigin?: string;
}

export function buildCsp(options: CspOptions = {}): string {
  const dev = options.devServerOrigin;
  const devSocket = dev ? dev.replace(/^http/, "ws") : undefined;
  const directives: [string, ...string[]][] = [
    ["default-src", "'none'"],
    ["script-src", "'self'"],
    ["style-src", "'self'", ...(dev ? ["'unsafe-inline'"] : [])],
    ["img-src", "'self'", "data:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'", ...(devSocket ? [devSocket] : [])],
    ["base-uri", "'none'"],
    ["form-action", "'none'"],
    ["object-src", "'none'"],
    ["frame-src", "'none'"],
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}
