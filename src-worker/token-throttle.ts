/**
 * Batches streamed text so the IPC channel carries a few messages a second instead of one per
 * token: at 1,500 tokens/s one message per token would cost more than generating it.
 */
export class TokenThrottle {
  #text = "";
  #tokens = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (chunk: { text: string; tokens: number }) => void,
    private readonly intervalMs = 50,
  ) {}

  push(text: string, tokens: number): void {
    this.#text += text;
    this.#tokens += tokens;
    // The first chunk goes out at once so time-to-first-token seen by main is not delayed.
    if (this.#timer === undefined) {
      this.flush();
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.intervalMs);
    }
  }

  /** Sends whatever is pending; call once more when generation ends. */
  flush(): void {
    if (this.#text === "" && this.#tokens === 0) return;
    const chunk = { text: this.#text, tokens: this.#tokens };
    this.#text = "";
    this.#tokens = 0;
    this.emit(chunk);
  }

  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
