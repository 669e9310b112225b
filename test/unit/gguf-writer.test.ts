import { createHash } from "node:crypto";
import { mkdtemp, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PouwError } from "../../src-shared/errors.js";
import { readGgufHeader, readGgufHeaderFromBuffer } from "../../src-shared/node/gguf/reader.js";
import { encodeGguf, writeGgufFile } from "../../src-shared/node/gguf/writer.js";
import type { GgufDocument } from "../../src-shared/node/gguf/writer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pouw-gguf-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sample: GgufDocument = {
  metadata: [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "round-trip ✓" }],
    ["llama.context_length", { type: "uint32", value: 4096 }],
    ["llama.embedding_length", { type: "uint32", value: 8 }],
    ["llama.block_count", { type: "uint32", value: 1 }],
    ["llama.pooling_type", { type: "uint32", value: 1 }],
    ["u8", { type: "uint8", value: 255 }],
    ["i8", { type: "int8", value: -128 }],
    ["u16", { type: "uint16", value: 65535 }],
    ["i16", { type: "int16", value: -32768 }],
    ["i32", { type: "int32", value: -7 }],
    ["f32", { type: "float32", value: 0.1 }],
    ["f64", { type: "float64", value: 0.1 }],
    ["u64", { type: "uint64", value: 2n ** 63n + 5n }],
    ["i64", { type: "int64", value: -(2n ** 40n) }],
    ["flag", { type: "bool", value: true }],
    ["strings", { type: "array", itemType: "string", value: ["<unk>", "▁the", ""] }],
    ["floats", { type: "array", itemType: "float32", value: [0, -1.5, 3.25] }],
    ["ints", { type: "array", itemType: "int32", value: [1, -2, 2147483647] }],
    ["empty", { type: "array", itemType: "uint32", value: [] }],
  ],
  tensors: [
    { name: "a.weight", dims: [3], data: new Float32Array([1, 2, 3]) },
    { name: "b.weight", dims: [8, 2], data: Float32Array.from({ length: 16 }, (_, i) => i / 4 - 1) },
  ],
};

async function rejection(promise: Promise<unknown>): Promise<PouwError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PouwError);
  return err as PouwError;
}

describe("GGUF writer → reader", () => {
  it("round-trips metadata of every type, tensor infos and tensor data", async () => {
    const file = join(dir, "sample.gguf");
    const bytes = await writeGgufFile(file, sample);
    const header = await readGgufHeader(file);
    expect(header.version).toBe(3);
    expect(header.metadata).toEqual({
      "general.architecture": "llama",
      "general.name": "round-trip ✓",
      "llama.context_length": 4096,
      "llama.embedding_length": 8,
      "llama.block_count": 1,
      "llama.pooling_type": 1,
      u8: 255,
      i8: -128,
      u16: 65535,
      i16: -32768,
      i32: -7,
      f32: Math.fround(0.1),
      f64: 0.1,
      u64: 2n ** 63n + 5n,
      i64: -(2n ** 40n),
      flag: true,
      strings: ["<unk>", "▁the", ""],
      floats: [0, -1.5, 3.25],
      ints: [1, -2, 2147483647],
      empty: [],
    });
    expect(header).toMatchObject({
      architecture: "llama",
      name: "round-trip ✓",
      contextLength: 4096,
      embeddingLength: 8,
      blockCount: 1,
      poolingType: "mean",
      quantization: "F32",
      tensorCount: 2,
      parameterCount: 19,
      alignment: 32,
      fileBytes: bytes.length,
    });
    expect(
      header.tensors.map(({ name, dims, typeName, offset, bytes: size }) => ({ name, dims, typeName, offset, size })),
    ).toEqual([
      { name: "a.weight", dims: [3], typeName: "F32", offset: 0, size: 12 },
      { name: "b.weight", dims: [8, 2], typeName: "F32", offset: 32, size: 64 },
    ]);
    expect(header.dataOffset % 32).toBe(0);
    expect(header.totalDataBytes).toBe(96);
    for (const [i, info] of header.tensors.entries()) {
      const start = header.dataOffset + info.offset;
      const stored = new Float32Array(
        bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + (info.bytes ?? 0)),
      );
      expect(Array.from(stored)).toEqual(Array.from(sample.tensors[i]!.data));
    }
    expect(readGgufHeaderFromBuffer(bytes)).toEqual(header);
  });

  it("round-trips arbitrary string arrays and int32 arrays", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme" })),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
        (strings, ints) => {
          const bytes = encodeGguf({
            metadata: [
              ["s", { type: "array", itemType: "string", value: strings }],
              ["i", { type: "array", itemType: "int32", value: ints }],
            ],
            tensors: [],
          });
          const header = readGgufHeaderFromBuffer(bytes);
          expect(header.metadata["s"]).toEqual(strings);
          expect(header.metadata["i"]).toEqual(ints);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("records a non-default alignment and aligns tensor data to it", () => {
    const header = readGgufHeaderFromBuffer(encodeGguf({ ...sample, alignment: 64 }));
    expect(header.alignment).toBe(64);
    expect(header.metadata["general.alignment"]).toBe(64);
    expect(header.dataOffset % 64).toBe(0);
    expect(header.tensors.map((t) => t.offset)).toEqual([0, 64]);
  });

  it("writes identical bytes for an identical document", () => {
    const hash = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    expect(hash(encodeGguf(sample))).toBe(hash(encodeGguf(sample)));
  });

  it("rejects tensor data that does not match its dimensions", () => {
    expect(() => encodeGguf({ metadata: [], tensors: [{ name: "x", dims: [4], data: new Float32Array(3) }] })).toThrow(
      /dims hold 4 values but data has 3/,
    );
  });
});

describe("readGgufHeader validation", () => {
  it("reports a missing file as MODEL_FILE_MISSING", async () => {
    const file = join(dir, "nope.gguf");
    const err = await rejection(readGgufHeader(file));
    expect(err.code).toBe("MODEL_FILE_MISSING");
    expect(err.message).toBe(`Model file not found: ${file}`);
  });

  it("rejects a file that is not GGUF, including an empty one", async () => {
    for (const [name, content] of [
      ["notes.txt", "hello, I am not a model\n"],
      ["empty.gguf", ""],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, content);
      const err = await rejection(readGgufHeader(file));
      expect(err.code).toBe("MODEL_FILE_INVALID");
      expect(err.message).toBe(`${file} is not a GGUF model file`);
    }
    expect((await rejection(readGgufHeader(dir))).message).toBe(`${dir} is not a GGUF model file`);
  });

  it("rejects a file whose tensor data is cut short, saying how long it should be", async () => {
    const file = join(dir, "cut-data.gguf");
    const full = await writeGgufFile(file, sample);
    await truncate(file, full.length - 10);
    const err = await rejection(readGgufHeader(file));
    expect(err.code).toBe("MODEL_FILE_INVALID");
    expect(err.message).toBe(`${file} is truncated — expected ${full.length} bytes, found ${full.length - 10}`);
  });

  it("rejects a file cut inside its header", async () => {
    const file = join(dir, "cut-header.gguf");
    await writeGgufFile(file, sample);
    await truncate(file, 60);
    const err = await rejection(readGgufHeader(file));
    expect(err.code).toBe("MODEL_FILE_INVALID");
    expect(err.message).toMatch(new RegExp(`^${file} is truncated — its header runs past the end of the file`));
  });

  it("rejects an unsupported GGUF version, an impossible count and a bad alignment", async () => {
    const bytes = encodeGguf(sample);
    const v1 = Buffer.from(bytes);
    v1.writeUInt32LE(1, 4);
    expect(() => readGgufHeaderFromBuffer(v1, "v1.gguf")).toThrow(
      "v1.gguf uses GGUF version 1; supported versions are 2, 3",
    );
    const huge = Buffer.from(bytes);
    huge.writeBigUInt64LE(2n ** 60n, 16);
    expect(() => readGgufHeaderFromBuffer(huge, "huge.gguf")).toThrow(/^huge.gguf has an impossible metadata count/);
    const oddAlignment = encodeGguf({ metadata: [["general.alignment", { type: "uint32", value: 24 }]], tensors: [] });
    expect(() => readGgufHeaderFromBuffer(oddAlignment, "odd.gguf")).toThrow(
      "odd.gguf has an invalid general.alignment (24)",
    );
  });

  it("reads a multi-GiB file without reading its tensor data", async () => {
    // A tensor declared as 2^30 floats (4 GiB) in a sparse file: more than readFile could ever load.
    const file = join(dir, "huge-sparse.gguf");
    const header = Buffer.from(
      encodeGguf({ metadata: [], tensors: [{ name: "big", dims: [1], data: new Float32Array(1) }] }),
    );
    const dimAt = header.indexOf("big") + 3 + 4;
    header.writeBigUInt64LE(2n ** 30n, dimAt);
    const dataOffset = header.length - 4; // the one float is the last thing written
    await writeFile(file, header.subarray(0, dataOffset));
    await truncate(file, dataOffset + 4 * 2 ** 30);
    const started = performance.now();
    const read = await readGgufHeader(file);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(read.totalDataBytes).toBe(4 * 2 ** 30);
    expect(read.parameterCount).toBe(2 ** 30);
    expect(read.fileBytes).toBe((await stat(file)).size);
  });
});
