import { readSync } from "node:fs";

/** Thrown when a read runs past the end of the bytes available; the reader turns it into one clear error. */
export class EndOfData extends Error {
  constructor(readonly position: number) {
    super(`unexpected end of data at byte ${position}`);
  }
}

/** Where the cursor gets its bytes: a whole Buffer, or a file read piece by piece. */
export interface ByteSource {
  readonly size: number;
  /** Copies up to `length` bytes starting at `position`; fewer only at the end. */
  read(position: number, length: number): Buffer;
}

export function bufferSource(buffer: Uint8Array): ByteSource {
  const whole = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return { size: whole.length, read: (position, length) => whole.subarray(position, position + length) };
}

/**
 * Reads a file in chunks. The header is thousands of tiny fields, so sync reads of 1 MiB chunks keep
 * parsing simple and take milliseconds even for a 150k-token vocabulary; the tensor data is never read.
 */
export function fileSource(fd: number, size: number, chunkBytes = 1 << 20): ByteSource {
  return {
    size,
    read(position, length) {
      const want = Math.min(Math.max(length, chunkBytes), Math.max(0, size - position));
      const chunk = Buffer.alloc(want);
      let filled = 0;
      while (filled < want) {
        const n = readSync(fd, chunk, filled, want - filled, position + filled);
        if (n === 0) break;
        filled += n;
      }
      return chunk.subarray(0, filled);
    },
  };
}

/** Little-endian sequential reader over a ByteSource, keeping one window of bytes in memory. */
export class ByteCursor {
  position = 0;
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly source: ByteSource) {}

  private take(length: number): Buffer {
    const start = this.position - this.windowStart;
    if (start < 0 || start + length > this.window.length) {
      this.window = this.source.read(this.position, length);
      this.windowStart = this.position;
      if (this.window.length < length) throw new EndOfData(this.source.size);
    }
    const offset = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(offset, offset + length);
  }

  u8(): number {
    return this.take(1).readUInt8(0);
  }
  i8(): number {
    return this.take(1).readInt8(0);
  }
  u16(): number {
    return this.take(2).readUInt16LE(0);
  }
  i16(): number {
    return this.take(2).readInt16LE(0);
  }
  u32(): number {
    return this.take(4).readUInt32LE(0);
  }
  i32(): number {
    return this.take(4).readInt32LE(0);
  }
  f32(): number {
    return this.take(4).readFloatLE(0);
  }
  f64(): number {
    return this.take(8).readDoubleLE(0);
  }
  u64(): bigint {
    return this.take(8).readBigUInt64LE(0);
  }
  i64(): bigint {
    return this.take(8).readBigInt64LE(0);
  }
  bytes(length: number): Buffer {
    return this.take(length);
  }
}
