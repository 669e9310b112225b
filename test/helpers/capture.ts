import { Writable } from "node:stream";

/** A writable that keeps what was written, for asserting on CLI output in-process. */
export class Capture extends Writable {
  private chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  get text(): string {
    return this.chunks.join("");
  }
  /** Parsed JSON lines (for `--json` output). */
  get jsonLines(): Array<Record<string, unknown>> {
    return this.text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
