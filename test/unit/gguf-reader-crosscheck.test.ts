import { describe, expect, it } from "vitest";
import { readGgufFileInfo } from "node-llama-cpp";
import { readGgufHeader } from "../../src-shared/node/gguf/reader.js";
import type { GgufValue } from "../../src-shared/node/gguf/reader.js";
import { tinyMeanPoolModelPath, tinyModelPath } from "../helpers/tiny-model.js";

const realModel = process.env.POUW_TEST_MODEL;
if (!realModel)
  console.warn("gguf-reader-crosscheck: POUW_TEST_MODEL is unset, so the real-model cross-check is skipped");

/** Looks a dotted key up in node-llama-cpp's nested metadata object. */
function nested(metadata: unknown, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>(
      (node, part) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined),
      metadata,
    );
}

const comparable = (value: GgufValue | unknown): unknown =>
  typeof value === "bigint" ? Number(value) : Array.isArray(value) ? value.map(comparable) : value;

// An independent GGUF parser (node-llama-cpp's) must agree with ours on every field of the header.
async function crossCheck(file: string): Promise<void> {
  const ours = await readGgufHeader(file);
  const theirs = await readGgufFileInfo(file, { logWarnings: false });
  expect(ours.version).toBe(theirs.version);
  expect(ours.tensorCount).toBe(Number(theirs.tensorCount));
  expect(ours.dataOffset).toBe(theirs.infoEndOffset);
  expect(ours.tensors.map((t) => [t.name, t.dims, t.ggmlType, t.offset])).toEqual(
    (theirs.tensorInfo ?? []).map((t) => [t.name, t.dimensions.map(Number), t.ggmlType, Number(t.offset)]),
  );
  for (const [key, value] of Object.entries(ours.metadata)) {
    expect(comparable(nested(theirs.metadata, key)), key).toEqual(comparable(value));
  }
  expect(ours.architecture).toBe(theirs.metadata.general.architecture);
}

describe("readGgufHeader agrees with node-llama-cpp's GGUF parser", () => {
  it("on the project-written tiny models", async () => {
    await crossCheck(await tinyModelPath());
    await crossCheck(await tinyMeanPoolModelPath());
  });

  it.skipIf(!realModel)("on the real model in POUW_TEST_MODEL", async () => {
    await crossCheck(realModel!);
    const header = await readGgufHeader(realModel!);
    expect(header.fileBytes).toBeGreaterThanOrEqual(header.dataOffset + header.totalDataBytes);
  });
});
