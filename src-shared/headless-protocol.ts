import { z } from "zod";
import { pushChannelNames, pushChannels, type PushChannel, type PushPayload } from "./app-contract.js";

/**
 * The headless miner's HTTP/WebSocket transport of the app contract: the browser dashboard's adapter
 * and the server both import these paths and frame shapes, so neither spells them on its own.
 */
export const headlessPaths = {
  status: "/api/status",
  invoke: (method: string) => `/api/invoke/${encodeURIComponent(method)}`,
  invokePrefix: "/api/invoke/",
  events: "/api/events",
} as const;

/** Commands carry the per-launch token in this header; the events socket in `?token=`. */
export const TOKEN_HEADER = "x-pouw-token";
/** The page learns its token from the URL fragment, which browsers never send to a server. */
export const TOKEN_FRAGMENT_KEY = "token";

export const PushFrame = z.object({
  channel: z.enum(pushChannelNames as [PushChannel, ...PushChannel[]]),
  payload: z.unknown(),
});
export type PushFrame = { [C in PushChannel]: { channel: C; payload: PushPayload<C> } }[PushChannel];

/** Validates a frame from the socket, payload included, against the push channel's schema. */
export function parsePushFrame(data: unknown): PushFrame {
  const frame = PushFrame.parse(data);
  return { channel: frame.channel, payload: pushChannels[frame.channel].parse(frame.payload) } as PushFrame;
}
