import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import { ChatCompletionRequest, CompletionRequest, POUW_TASK_ID_HEADER } from "../../src-shared/router-contract.js";
import { limitConnections, type ConnectionLimits } from "../../src-main/http/connection-limits.js";
import type { ApiKeyGrant, ApiKeyStore } from "./api-keys.js";
import { readJson, sendError, sendJson, SseStream } from "./http-kit.js";
import {
  chatCompletion,
  chatCompletionChunks,
  chatPrompt,
  modelList,
  textCompletion,
  textCompletionChunks,
} from "./openai-format.js";
import { admitRequest } from "./request-guard.js";
import { routerErrors } from "./router-error.js";
import type { InferenceAnswer, InferenceAsk, TaskGateway } from "./task-gateway.js";

const BODY_LIMIT = 1 << 20;

type Handler = (req: IncomingMessage, res: ServerResponse, signal: AbortSignal, grant: ApiKeyGrant) => Promise<void>;

export interface ServeRouterOptions {
  /** The API keys requests must carry (src-network/router/api-keys.ts). */
  keys: ApiKeyStore;
  port?: number;
  connectionLimits?: ConnectionLimits;
}

/**
 * The OpenAI-compatible HTTP face of a TaskGateway, on 127.0.0.1: chat and text completions
 * (plain or `stream: true`) and the model list, each only for a request request-guard.ts admits.
 */
export async function serveRouter(
  gateway: Pick<TaskGateway, "models" | "infer">,
  opts: ServeRouterOptions,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const routes: Record<string, Record<string, Handler>> = {
    "/v1/models": { GET: async (_req, res) => sendJson(res, 200, modelList(gateway.models)) },
    "/v1/chat/completions": {
      POST: (req, res, signal, grant) =>
        complete(
          req,
          res,
          signal,
          grant,
          ChatCompletionRequest,
          (b) => ({ prompt: chatPrompt(b.messages), maxTokens: b.max_completion_tokens ?? b.max_tokens }),
          chatCompletion,
          chatCompletionChunks,
        ),
    },
    "/v1/completions": {
      POST: (req, res, signal, grant) =>
        complete(
          req,
          res,
          signal,
          grant,
          CompletionRequest,
          (b) => ({ prompt: typeof b.prompt === "string" ? b.prompt : b.prompt[0]!, maxTokens: b.max_tokens }),
          textCompletion,
          textCompletionChunks,
        ),
    },
  };

  async function complete<
    S extends z.ZodType<{
      model: string;
      stream?: boolean | null | undefined;
      temperature?: number | null | undefined;
      seed?: number | null | undefined;
    }>,
  >(
    req: IncomingMessage,
    res: ServerResponse,
    signal: AbortSignal,
    payer: ApiKeyGrant,
    schema: S,
    toAsk: (body: z.infer<S>) => Pick<InferenceAsk, "prompt" | "maxTokens">,
    whole: (model: string, text: string, pouw: InferenceAnswer["pouw"]) => unknown,
    chunks: (model: string, text: string, pouw: InferenceAnswer["pouw"]) => unknown[],
  ): Promise<void> {
    const parsed = schema.safeParse(await readJson(req, BODY_LIMIT));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.join(".") || null;
      throw routerErrors.invalid(
        `invalid request${param ? ` at '${param}'` : ""}: ${issue?.message ?? "bad body"}`,
        param,
      );
    }
    const body = parsed.data;
    const answer = await gateway.infer(
      { model: body.model, temperature: body.temperature, seed: body.seed, payer, ...toAsk(body) },
      signal,
    );
    const headers = { [POUW_TASK_ID_HEADER]: answer.pouw.taskId };
    if (body.stream) {
      // Headers wait for the answer so that a failure still gets its proper status code.
      const sse = new SseStream(res).open(headers);
      for (const chunk of chunks(body.model, answer.text, answer.pouw)) sse.send(chunk);
      sse.end();
      return;
    }
    sendJson(res, 200, whole(body.model, answer.text, answer.pouw), headers);
  }

  const server = createServer((req, res) => {
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const run = admitRequest(req, port, opts.keys).then((grant) => {
      const path = pathOf(req.url);
      const methods = routes[path];
      const handler = methods?.[req.method ?? "GET"];
      if (!handler) throw methods ? routerErrors.method(req.method ?? "?", path) : routerErrors.notFound(path);
      return handler(req, res, abort.signal, grant);
    });
    run.catch((err: unknown) => sendError(res, err));
  });
  limitConnections(server, opts.connectionLimits);
  let port = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request's path without trailing slashes; a target that does not parse is a 400, not a crash. */
function pathOf(raw: string | undefined): string {
  try {
    return new URL(raw ?? "/", "http://router").pathname.replace(/\/+$/, "");
  } catch {
    throw routerErrors.invalid("malformed request URL", null);
  }
}
