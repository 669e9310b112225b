import { writeFile } from "node:fs/promises";
import {
  FIXED_VALUE_WIDTH,
  GGML_TYPE_F32,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  alignUp,
  valueTypeCode,
} from "./format.js";
import type { GgufBigIntType, GgufNumberType, GgufScalarType } from "./format.js";

export type GgufMetadataValue =
  | { type: GgufNumberType; value: number }
  | { type: GgufBigIntType; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: GgufNumberType; value: ArrayLike<number> }
  | { type: "array"; itemType: GgufBigIntType; value: readonly bigint[] }
  | { type: "array"; itemType: "bool"; value: readonly boolean[] }
  | { type: "array"; itemType: "string"; value: readonly string[] };

export interface GgufTensorInput {
  name: string;
  /** ggml order: dims[0] is the innermost (contiguous) dimension. */
  dims: readonly number[];
  data: Float32Array;
}

export interface GgufDocument {
  /** Written in this order; order matters for byte-identical output. */
  metadata: ReadonlyArray<readonly [key: string, value: GgufMetadataValue]>;
  tensors: readonly GgufTensorInput[];
  alignment?: number;
}

/** Encodes a GGUF v3 file with F32 tensors. Pure: the same document always gives the same bytes. */
export function encodeGguf(doc: GgufDocument): Buffer {
  const alignment = doc.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata = [...doc.metadata];
  if (alignment !== GGUF_DEFAULT_ALIGNMENT && !metadata.some(([key]) => key === "general.alignment")) {
    metadata.push(["general.alignment", { type: "uint32", value: alignment }]);
  }
  const out = new ChunkWriter();
  out.raw(Buffer.from(GGUF_MAGIC, "latin1"));
  out.scalar("uint32", 3);
  out.scalar("uint64", BigInt(doc.tensors.length));
  out.scalar("uint64", BigInt(metadata.length));
  for (const [key, entry] of metadata) {
    out.scalar("string", key);
    out.scalar("uint32", valueTypeCode(entry.type));
    if (entry.type === "array") {
      out.scalar("uint32", valueTypeCode(entry.itemType));
      out.scalar("uint64", BigInt(entry.value.length));
      for (let i = 0; i < entry.value.length; i++) out.scalar(entry.itemType, entry.value[i]!);
    } else {
      out.scalar(entry.type, entry.value);
    }
  }
  let dataOffset = 0;
  for (const tensor of doc.tensors) {
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length) {
      throw new RangeError(`tensor ${tensor.name}: dims hold ${elements} values but data has ${tensor.data.length}`);
    }
    out.scalar("string", tensor.name);
    out.scalar("uint32", tensor.dims.length);
    for (const dim of tensor.dims) out.scalar("uint64", BigInt(dim));
    out.scalar("uint32", GGML_TYPE_F32);
    out.scalar("uint64", BigInt(dataOffset));
    dataOffset = alignUp(dataOffset + tensor.data.byteLength, alignment);
  }
  // Each tensor starts on an alignment boundary, matching the offsets written above.
  for (const tensor of doc.tensors) {
    out.padTo(alignment);
    // GGUF is little-endian, as is every platform llama.cpp runs on, so the array's bytes go in as they are.
    out.raw(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  return out.concat();
}

export async function writeGgufFile(filePath: string, doc: GgufDocument): Promise<Buffer> {
  const bytes = encodeGguf(doc);
  await writeFile(filePath, bytes);
  return bytes;
}

class ChunkWriter {
  private readonly chunks: Buffer[] = [];
  length = 0;

  raw(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  padTo(alignment: number): void {
    const padding = alignUp(this.length, alignment) - this.length;
    if (padding > 0) this.raw(Buffer.alloc(padding));
  }

  scalar(type: GgufScalarType, value: number | bigint | boolean | string): void {
    if (type === "string") {
      const text = Buffer.from(String(value), "utf8");
      this.scalar("uint64", BigInt(text.length));
      this.raw(text);
      return;
    }
    const b = Buffer.alloc(FIXED_VALUE_WIDTH[type]);
    switch (type) {
      case "uint8":
        b.writeUInt8(Number(value));
        break;
      case "int8":
        b.writeInt8(Number(value));
        break;
      case "uint16":
        b.writeUInt16LE(Number(value));
        break;
      case "int16":
        b.writeInt16LE(Number(value));
        break;
      case "uint32":
        b.writeUInt32LE(Number(value));
        break;
      case "int32":
        b.writeInt32LE(Number(value));
        break;
      case "float32":
        b.writeFloatLE(Number(value));
        break;
      case "float64":
        b.writeDoubleLE(Number(value));
        break;
      case "bool":
        b.writeUInt8(value ? 1 : 0);
        break;
      case "uint64":
        b.writeBigUInt64LE(BigInt(value));
        break;
      case "int64":
        b.writeBigInt64LE(BigInt(value));
        break;
    }
    this.raw(b);
  }

  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}
