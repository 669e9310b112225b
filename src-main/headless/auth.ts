import { randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh secret per launch: a page or script without it can read status but command nothing. */
export function newLaunchToken(): string {
  return randomBytes(24).toString("base64url");
}

export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export { hostAllowed, originAllowed } from "../http/loopback-origin.js";
