/**
 * How many blocks one eth_getLogs call asks for. Providers cap it in their own ways — a block range
 * (QuickNode, Alchemy and others: 10,000 or less; some free tiers 5 or 10), a result count
 * (Infura: 10,000 logs), a response size or time, a request rate (HTTP 429) — and say so in an error
 * message rather than a standard code. The range halves (or takes the provider's hint) on such an
 * answer and doubles back after a run of successes, never above the configured maximum.
 */
export class LogRange {
  #size: number;
  #successes = 0;
  #rateLimited = 0;

  constructor(
    readonly max: number,
    /** Successful calls at one size before trying twice as many blocks. */
    private readonly growAfter = 4,
  ) {
    this.#size = max;
  }

  get size(): number {
    return this.#size;
  }

  /** A call succeeded at the current size. */
  succeeded(): void {
    this.#rateLimited = 0;
    if (this.#size >= this.max) return;
    if (++this.#successes < this.growAfter) return;
    this.#successes = 0;
    this.#size = Math.min(this.max, this.#size * 2);
  }

  /**
   * A call failed. When the error is a provider's limit the range shrinks and the answer says how
   * long to wait before retrying (0, or a growing pause after rate limits, up to 8 s); when it is
   * not (or one block is already too much) the answer is undefined and the caller gives up.
   */
  limited(err: unknown): { retryInMs: number } | undefined {
    const text = errorText(err);
    if (!LIMIT.test(text)) return undefined;
    const rate = RATE.test(text);
    if (this.#size <= 1 && !rate) return undefined;
    this.#successes = 0;
    const hinted = hintedRange(text);
    this.#size = Math.max(1, hinted !== undefined && hinted < this.#size ? hinted : Math.floor(this.#size / 2));
    if (!rate) return { retryInMs: 0 };
    return { retryInMs: Math.min(8_000, 250 * 2 ** this.#rateLimited++) };
  }
}

const LIMIT =
  /block range|range (is )?too (large|wide|big)|exceed(s|ed)? (the )?(max(imum)?|limit)|max(imum)? (block )?range|more than [\d,]+ (results|logs)|too many (results|logs|requests)|limit(ed)? (exceeded|to)|response (size|is too big)|query timeout|timed? ?out|\b429\b|rate.?limit/i;
const RATE = /\b429\b|rate.?limit|too many requests/i;

/** A range the provider says would work: Alchemy's "[0xA, 0xB]", or "limited to a N range" / "max range N". */
export function hintedRange(text: string): number | undefined {
  const pair = /\[\s*0x([0-9a-f]+)\s*,\s*0x([0-9a-f]+)\s*\]/i.exec(text);
  if (pair) return parseInt(pair[2]!, 16) - parseInt(pair[1]!, 16) + 1;
  const n =
    /(?:limited to(?: a)?|max(?:imum)?(?: block)? range(?: of| is)?|range (?:limit )?(?:of|is))\s*([\d,]+)/i.exec(text);
  if (n) return Number(n[1]!.replace(/,/g, ""));
  return undefined;
}

/** Everything an ethers error carries about the node's answer, as one string. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { shortMessage?: string; error?: { message?: string; code?: unknown }; info?: unknown };
  let info = "";
  try {
    info = JSON.stringify(e.info ?? "", (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    // A circular info object: the messages are enough.
  }
  return [e.message, e.shortMessage, e.error?.message, info].filter(Boolean).join(" | ");
}
