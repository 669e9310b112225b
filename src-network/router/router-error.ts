import type { OpenAiErrorBody } from "../../src-shared/router-contract.js";

/**
 * An error the router answers with: an HTTP status and OpenAI's error body, so the official
 * clients raise their matching exception (NotFoundError, BadRequestError, …).
 */
export class RouterError extends Error {
  override readonly name = "RouterError";
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const routerErrors = {
  badJson: (detail: string) =>
    new RouterError(400, `the request body is not valid JSON: ${detail}`, "invalid_request_error", "invalid_json"),
  invalid: (message: string, param: string | null) =>
    new RouterError(400, message, "invalid_request_error", "invalid_value", param),
  unknownModel: (model: string, known: readonly string[]) =>
    new RouterError(
      404,
      `The model '${model}' does not exist on this network (served: ${known.join(", ") || "none"})`,
      "invalid_request_error",
      "model_not_found",
      "model",
    ),
  tooManyTokens: (message: string, param: string) =>
    new RouterError(400, message, "invalid_request_error", "context_length_exceeded", param),
  noMiners: (model: string) =>
    new RouterError(503, `no miners are available for '${model}' right now`, "server_error", "no_miners_available"),
  deadline: (message: string) => new RouterError(504, message, "server_error", "deadline_exceeded"),
  notFound: (path: string) => new RouterError(404, `no such endpoint: ${path}`, "invalid_request_error", "unknown_url"),
  method: (method: string, path: string) =>
    new RouterError(405, `${method} is not allowed on ${path}`, "invalid_request_error", "method_not_allowed"),
  tooLarge: (limit: number) =>
    new RouterError(
      413,
      `the request body is larger than ${limit} bytes`,
      "invalid_request_error",
      "request_too_large",
    ),
  forbidden: (message: string) => new RouterError(403, message, "invalid_request_error", "forbidden"),
  unauthorized: () =>
    new RouterError(
      401,
      "a valid API key is required (Authorization: Bearer <key>; create one with `pouw-miner router keys create`)",
      "invalid_request_error",
      "invalid_api_key",
    ),
  mediaType: (given: string | undefined) =>
    new RouterError(
      415,
      `the request body must be application/json (got ${given ?? "no content-type"})`,
      "invalid_request_error",
      "unsupported_media_type",
    ),
  quota: (message: string) => new RouterError(429, message, "insufficient_quota", "insufficient_quota"),
  internal: (message: string) => new RouterError(500, message, "server_error", "internal_error"),
};
