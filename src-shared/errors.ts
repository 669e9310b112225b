import { z } from "zod";

/**
 * Every error that crosses a process boundary travels as `{ code, message }` (DEVELOPERS.md §4).
 * Codes are a closed set so both sides can switch on them; messages are one line, for people.
 */
export const ErrorCode = z.enum([
  "BAD_USAGE",
  "INVALID_PARAMS",
  "NOT_FOUND",
  "UNKNOWN_MODEL",
  "MODEL_FILE_MISSING",
  "MODEL_FILE_INVALID",
  "CHECKSUM_MISMATCH",
  "MODEL_TOO_LARGE",
  "CONTEXT_OVERFLOW",
  "NO_MODEL_LOADED",
  "CANCELLED",
  "TIMEOUT",
  "WORKER_CRASHED",
  "WORKER_UNAVAILABLE",
  "DOWNLOAD_FAILED",
  "CHAIN_ERROR",
  "INSUFFICIENT_FUNDS",
  "WRONG_PASSWORD",
  "INTERNAL",
  "CATALOGUE_INVALID",
  "UNTRUSTED_SENDER",
  "ALREADY_RUNNING",
  "WALLET_LOCKED",
  "SETUP_INCOMPLETE",
  "DISK_FULL",
  "TOO_MANY_ATTEMPTS",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorShape = z.object({ code: ErrorCode, message: z.string() });
export type ErrorShape = z.infer<typeof ErrorShape>;

/** An error with a stable code; `message` must read well on its own, on one line. */
export class PouwError extends Error {
  override readonly name = "PouwError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toShape(): ErrorShape {
    return { code: this.code, message: this.message };
  }

  static fromShape(shape: ErrorShape): PouwError {
    return new PouwError(shape.code, shape.message);
  }
}

/** Normalises anything thrown into the wire shape, keeping the message to its first line. */
export function toErrorShape(err: unknown, fallback: ErrorCode = "INTERNAL"): ErrorShape {
  if (err instanceof PouwError) return err.toShape();
  const message = err instanceof Error ? err.message : String(err);
  return { code: fallback, message: firstLine(message) };
}

export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.trim();
}
