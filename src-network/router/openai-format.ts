import type { ChatMessage, PouwReceipt } from "../../src-shared/router-contract.js";

/**
 * OpenAI's response objects, built from the network's answer. Token usage is left out: the chain
 * carries the output text, not the miners' token counts.
 */

const created = () => Math.floor(Date.now() / 1000);

export function chatCompletion(model: string, text: string, pouw: PouwReceipt) {
  return {
    id: `chatcmpl-pouw-${pouw.taskId}`,
    object: "chat.completion" as const,
    created: created(),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: text, refusal: null },
        logprobs: null,
        finish_reason: "stop" as const,
      },
    ],
    pouw,
  };
}

/** The streamed form: the whole answer is known at once (it is revealed on chain), so two chunks. */
export function chatCompletionChunks(model: string, text: string, pouw: PouwReceipt) {
  const base = {
    id: `chatcmpl-pouw-${pouw.taskId}`,
    object: "chat.completion.chunk" as const,
    created: created(),
    model,
  };
  return [
    {
      ...base,
      choices: [
        { index: 0, delta: { role: "assistant" as const, content: text }, logprobs: null, finish_reason: null },
      ],
    },
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" as const }], pouw },
  ];
}

export function textCompletion(model: string, text: string, pouw: PouwReceipt) {
  return {
    id: `cmpl-pouw-${pouw.taskId}`,
    object: "text_completion" as const,
    created: created(),
    model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: "stop" as const }],
    pouw,
  };
}

export function textCompletionChunks(model: string, text: string, pouw: PouwReceipt) {
  const base = { id: `cmpl-pouw-${pouw.taskId}`, object: "text_completion" as const, created: created(), model };
  return [
    { ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, text: "", logprobs: null, finish_reason: "stop" as const }], pouw },
  ];
}

export function modelList(models: readonly string[]) {
  return {
    object: "list" as const,
    data: models.map((id) => ({ id, object: "model" as const, created: 0, owned_by: "pouw-network" })),
  };
}

/** A chat as one plain-text prompt: the network's models are completion models. */
export function chatPrompt(messages: readonly ChatMessage[]): string {
  const lines = messages.map((m) => `${m.role}: ${contentText(m.content)}`);
  return `${lines.join("\n")}\nassistant:`;
}

function contentText(content: ChatMessage["content"]): string {
  if (content === null || content === undefined) return "";
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}
