import type { ErrorCode } from "../../src-shared/errors.js";

/**
 * The HTTP status of each app-contract error on the headless server: what the client got wrong is
 * 4xx (so scripts and monitors do not page anyone for a typo'd password), what failed here is 5xx.
 * A Record, so a new error code cannot be added without deciding its status.
 */
const STATUS: Record<ErrorCode, number> = {
  BAD_USAGE: 400,
  INVALID_PARAMS: 400,
  CONTEXT_OVERFLOW: 400,
  WRONG_PASSWORD: 403,
  UNTRUSTED_SENDER: 403,
  NOT_FOUND: 404,
  UNKNOWN_MODEL: 404,
  MODEL_FILE_MISSING: 404,
  ALREADY_RUNNING: 409,
  WALLET_LOCKED: 409,
  SETUP_INCOMPLETE: 409,
  NO_MODEL_LOADED: 409,
  CANCELLED: 409,
  INSUFFICIENT_FUNDS: 402,
  MODEL_FILE_INVALID: 422,
  CHECKSUM_MISMATCH: 422,
  MODEL_TOO_LARGE: 422,
  CATALOGUE_INVALID: 422,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  CHAIN_ERROR: 502,
  DOWNLOAD_FAILED: 502,
  WORKER_CRASHED: 503,
  WORKER_UNAVAILABLE: 503,
  TIMEOUT: 504,
  DISK_FULL: 507,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}
