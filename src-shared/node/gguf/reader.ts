import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { PouwError } from "../../errors.js";
import { ByteCursor, EndOfData, bufferSource, fileSource } from "./byte-cursor.js";
import type { ByteSource } from "./byte-cursor.js";
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VALUE_TYPES,
  POOLING_TYPES,
  SUPPORTED_GGUF_VERSIONS,
  alignUp,
  fileTypeName,
  ggmlTensorBytes,
  ggmlTypeName,
} from "./format.js";
import type { PoolingType } from "./format.js";

export type GgufValue = number | bigint | boolean | string | readonly GgufValue[];

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  ggmlType: number;
  typeName: string;
  /** Offset inside the data section. */
  offset: number;
  /** Undefined only for a ggml type this reader does not know. */
  bytes: number | undefined;
  elements: number;
}

export interface GgufHeader {
  version: number;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  tensorCount: number;
  alignment: number;
  /** Where tensor data begins in the file. */
  dataOffset: number;
  /** Length of the data section that the tensor infos declare. */
  totalDataBytes: number;
  fileBytes: number;
  parameterCount: number;
  architecture: string | undefined;
  name: string | undefined;
  contextLength: number | undefined;
  embeddingLength: number | undefined;
  blockCount: number | undefined;
  fileType: number | undefined;
  /** e.g. "Q4_K_M", from general.file_type, else the most common tensor type. */
  quantization: string | undefined;
  poolingType: PoolingType | undefined;
}

// Caps that turn a corrupt length field into a clear error instead of a huge allocation.
const MAX_DIMS = 4;

/** Reads and validates a GGUF file's header without reading its tensor data. */
export async function readGgufHeader(filePath: string): Promise<GgufHeader> {
  let handle: FileHandle;
  try {
    handle = await open(filePath, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new PouwError("MODEL_FILE_MISSING", `Model file not found: ${filePath}`);
    throw new PouwError("MODEL_FILE_INVALID", `Cannot open model file ${filePath}: ${code ?? String(err)}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new PouwError("MODEL_FILE_INVALID", `${filePath} is not a GGUF model file`);
    return parseGgufHeader(fileSource(handle.fd, stats.size), filePath);
  } finally {
    await handle.close();
  }
}

/** Same as readGgufHeader for bytes already in memory; `label` names them in errors. */
export function readGgufHeaderFromBuffer(buffer: Uint8Array, label = "buffer"): GgufHeader {
  return parseGgufHeader(bufferSource(buffer), label);
}

function parseGgufHeader(source: ByteSource, label: string): GgufHeader {
  const cursor = new ByteCursor(source);
  const invalid = (why: string) => new PouwError("MODEL_FILE_INVALID", `${label} ${why}`);
  try {
    if (source.size < 4 || cursor.bytes(4).toString("latin1") !== GGUF_MAGIC) throw invalid("is not a GGUF model file");
    const version = cursor.u32();
    if (!SUPPORTED_GGUF_VERSIONS.includes(version)) {
      throw invalid(`uses GGUF version ${version}; supported versions are ${SUPPORTED_GGUF_VERSIONS.join(", ")}`);
    }
    const tensorCount = safeCount(cursor.u64(), source.size, "tensor count", invalid);
    const kvCount = safeCount(cursor.u64(), source.size, "metadata count", invalid);
    const metadata: Record<string, GgufValue> = Object.create(null) as Record<string, GgufValue>;
    for (let i = 0; i < kvCount; i++) {
      const key = readString(cursor, source.size, invalid);
      metadata[key] = readValue(cursor, cursor.u32(), source.size, invalid);
    }
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) tensors.push(readTensorInfo(cursor, source.size, invalid));

    const alignment =
      typeof metadata["general.alignment"] === "number" ? metadata["general.alignment"] : GGUF_DEFAULT_ALIGNMENT;
    if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw invalid(`has an invalid general.alignment (${alignment})`);
    }
    const dataOffset = alignUp(cursor.position, alignment);
    const totalDataBytes = tensors.reduce((end, t) => Math.max(end, t.offset + (t.bytes ?? 0)), 0);
    // A file without tensors may end right after its header, before any alignment padding.
    const expected = tensors.length === 0 ? cursor.position : dataOffset + totalDataBytes;
    if (source.size < expected) {
      throw invalid(`is truncated — expected ${expected} bytes, found ${source.size}`);
    }
    return {
      ...describe(metadata, tensors),
      version,
      metadata,
      tensors,
      tensorCount,
      alignment,
      dataOffset,
      totalDataBytes,
      fileBytes: source.size,
    };
  } catch (err) {
    if (err instanceof EndOfData)
      throw invalid(`is truncated — its header runs past the end of the file (${err.position} bytes)`);
    throw err;
  }
}

type Invalid = (why: string) => PouwError;

function safeCount(value: bigint, fileBytes: number, what: string, invalid: Invalid): number {
  // Every counted item takes at least one byte, so a count beyond the file size is corruption.
  if (value > BigInt(fileBytes)) throw invalid(`has an impossible ${what} (${value})`);
  return Number(value);
}

function readString(cursor: ByteCursor, fileBytes: number, invalid: Invalid): string {
  const length = safeCount(cursor.u64(), fileBytes, "string length", invalid);
  return cursor.bytes(length).toString("utf8");
}

function readValue(cursor: ByteCursor, typeCode: number, fileBytes: number, invalid: Invalid): GgufValue {
  const type = GGUF_VALUE_TYPES[typeCode];
  switch (type) {
    case "uint8":
      return cursor.u8();
    case "int8":
      return cursor.i8();
    case "uint16":
      return cursor.u16();
    case "int16":
      return cursor.i16();
    case "uint32":
      return cursor.u32();
    case "int32":
      return cursor.i32();
    case "float32":
      return cursor.f32();
    case "bool":
      return cursor.u8() !== 0;
    case "string":
      return readString(cursor, fileBytes, invalid);
    case "uint64":
      return cursor.u64();
    case "int64":
      return cursor.i64();
    case "float64":
      return cursor.f64();
    case "array": {
      const itemType = cursor.u32();
      const count = safeCount(cursor.u64(), fileBytes, "array length", invalid);
      const items: GgufValue[] = new Array<GgufValue>(count);
      for (let i = 0; i < count; i++) items[i] = readValue(cursor, itemType, fileBytes, invalid);
      return items;
    }
    default:
      throw invalid(`has an unknown metadata value type ${typeCode}`);
  }
}

function readTensorInfo(cursor: ByteCursor, fileBytes: number, invalid: Invalid): GgufTensorInfo {
  const name = readString(cursor, fileBytes, invalid);
  const nDims = cursor.u32();
  if (nDims > MAX_DIMS) throw invalid(`has tensor ${name} with ${nDims} dimensions`);
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) dims.push(Number(cursor.u64()));
  const ggmlType = cursor.u32();
  const offset = Number(cursor.u64());
  const elements = dims.reduce((a, b) => a * b, 1);
  return {
    name,
    dims,
    ggmlType,
    typeName: ggmlTypeName(ggmlType),
    offset,
    bytes: ggmlTensorBytes(ggmlType, elements),
    elements,
  };
}

function describe(metadata: Record<string, GgufValue>, tensors: GgufTensorInfo[]) {
  const architecture = asString(metadata["general.architecture"]);
  const archNumber = (key: string) =>
    architecture === undefined ? undefined : asNumber(metadata[`${architecture}.${key}`]);
  const fileType = asNumber(metadata["general.file_type"]);
  const pooling = archNumber("pooling_type");
  return {
    architecture,
    name: asString(metadata["general.name"]),
    contextLength: archNumber("context_length"),
    embeddingLength: archNumber("embedding_length"),
    blockCount: archNumber("block_count"),
    fileType,
    quantization: (fileType === undefined ? undefined : fileTypeName(fileType)) ?? dominantTensorType(tensors),
    poolingType: pooling === undefined ? undefined : POOLING_TYPES[pooling],
    parameterCount: tensors.reduce((sum, t) => sum + t.elements, 0),
  };
}

function dominantTensorType(tensors: GgufTensorInfo[]): string | undefined {
  const bytesByType = new Map<string, number>();
  for (const t of tensors) bytesByType.set(t.typeName, (bytesByType.get(t.typeName) ?? 0) + t.elements);
  return [...bytesByType.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function asString(value: GgufValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function asNumber(value: GgufValue | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return undefined;
}
