/**
 * Constants of the GGUF file format (github.com/ggml-org/ggml/blob/master/docs/gguf.md), shared by
 * the reader and the writer so both agree on every code.
 */

export const GGUF_MAGIC = "GGUF";
/** Versions llama.cpp still loads; v1 used 32-bit counts and is long gone. */
export const SUPPORTED_GGUF_VERSIONS: readonly number[] = [2, 3];
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value type codes, in file order. */
export const GGUF_VALUE_TYPES = [
  "uint8",
  "int8",
  "uint16",
  "int16",
  "uint32",
  "int32",
  "float32",
  "bool",
  "string",
  "array",
  "uint64",
  "int64",
  "float64",
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];
export type GgufScalarType = Exclude<GgufValueType, "array">;
export type GgufNumberType = Exclude<GgufScalarType, "string" | "bool" | "uint64" | "int64">;
export type GgufBigIntType = "uint64" | "int64";

export function valueTypeCode(type: GgufValueType): number {
  return GGUF_VALUE_TYPES.indexOf(type);
}

/** Byte width of fixed-size scalar types (strings and arrays have none). */
export const FIXED_VALUE_WIDTH: Readonly<Record<Exclude<GgufScalarType, "string">, number>> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  uint64: 8,
  int64: 8,
  float64: 8,
};

/** ggml tensor types: name, elements per block and bytes per block (ggml.c type_traits). */
const GGML_TYPES: Readonly<Record<number, readonly [name: string, blockElements: number, blockBytes: number]>> = {
  0: ["F32", 1, 4],
  1: ["F16", 1, 2],
  2: ["Q4_0", 32, 18],
  3: ["Q4_1", 32, 20],
  6: ["Q5_0", 32, 22],
  7: ["Q5_1", 32, 24],
  8: ["Q8_0", 32, 34],
  9: ["Q8_1", 32, 36],
  10: ["Q2_K", 256, 84],
  11: ["Q3_K", 256, 110],
  12: ["Q4_K", 256, 144],
  13: ["Q5_K", 256, 176],
  14: ["Q6_K", 256, 210],
  15: ["Q8_K", 256, 292],
  16: ["IQ2_XXS", 256, 66],
  17: ["IQ2_XS", 256, 74],
  18: ["IQ3_XXS", 256, 98],
  19: ["IQ1_S", 256, 50],
  20: ["IQ4_NL", 32, 18],
  21: ["IQ3_S", 256, 110],
  22: ["IQ2_S", 256, 82],
  23: ["IQ4_XS", 256, 136],
  24: ["I8", 1, 1],
  25: ["I16", 1, 2],
  26: ["I32", 1, 4],
  27: ["I64", 1, 8],
  28: ["F64", 1, 8],
  29: ["IQ1_M", 256, 56],
  30: ["BF16", 1, 2],
  34: ["TQ1_0", 256, 54],
  35: ["TQ2_0", 256, 66],
  39: ["MXFP4", 32, 17],
};

export const GGML_TYPE_F32 = 0;

export function ggmlTypeName(type: number): string {
  return GGML_TYPES[type]?.[0] ?? `type ${type}`;
}

/** Bytes a tensor of this type and element count occupies, or undefined for types this table lacks. */
export function ggmlTensorBytes(type: number, elements: number): number | undefined {
  const traits = GGML_TYPES[type];
  if (traits === undefined) return undefined;
  const [, blockElements, blockBytes] = traits;
  return Math.ceil(elements / blockElements) * blockBytes;
}

/** llama_ftype names for `general.file_type`, as llama.cpp prints them. */
const FILE_TYPE_NAMES: readonly (string | undefined)[] = [
  "F32",
  "F16",
  "Q4_0",
  "Q4_1",
  undefined,
  undefined,
  undefined,
  "Q8_0",
  "Q5_0",
  "Q5_1",
  "Q2_K",
  "Q3_K_S",
  "Q3_K_M",
  "Q3_K_L",
  "Q4_K_S",
  "Q4_K_M",
  "Q5_K_S",
  "Q5_K_M",
  "Q6_K",
  "IQ2_XXS",
  "IQ2_XS",
  "Q2_K_S",
  "IQ3_XS",
  "IQ3_XXS",
  "IQ1_S",
  "IQ4_NL",
  "IQ3_S",
  "IQ3_M",
  "IQ2_S",
  "IQ2_M",
  "IQ4_XS",
  "IQ1_M",
  "BF16",
  undefined,
  undefined,
  undefined,
  "TQ1_0",
  "TQ2_0",
  "MXFP4_MOE",
];

export function fileTypeName(fileType: number): string | undefined {
  return FILE_TYPE_NAMES[fileType];
}

/** `<arch>.pooling_type` values (llama_pooling_type). */
export const POOLING_TYPES = ["none", "mean", "cls", "last", "rank"] as const;
export type PoolingType = (typeof POOLING_TYPES)[number];

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}
