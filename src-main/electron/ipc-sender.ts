import { isAppUrl, type AppOrigin } from "./navigation-guard.js";

/** The parts of Electron's WebFrameMain the check needs (kept structural so tests need no Electron). */
export interface SenderFrame {
  url: string;
  /** null for a window's top frame. */
  parent: unknown;
}

/**
 * Main answers a message only from the top frame of one of our windows showing one of our pages:
 * an iframe or a page navigated elsewhere (both blocked anyway) gets nothing.
 */
export function isTrustedSender(
  frame: SenderFrame | null | undefined,
  fromOurWindow: boolean,
  origin: AppOrigin,
): boolean {
  if (!frame || !fromOurWindow) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, origin);
}
