import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTinyLlamaModel } from "../../src-shared/node/gguf/tiny-llama.js";
import { openSessionHarness, type SessionHarness } from "./app-session-harness.js";

/**
 * A GGUF of the user's own (issue 17 item 5), through dispatchInvoke as both transports call it:
 * importModel validates, hashes and copies it, listModels shows it with its fit, and it can be made
 * the active model and benchmarked like a catalogue model; a wrong file is refused in one line.
 */
let h: SessionHarness | undefined;
const harness = () => h!;

beforeAll(async () => {
  h = await openSessionHarness({ prefix: "pouw-app-import-" });
});
afterAll(async () => {
  await h?.close();
});

describe("importing a model into the app session", () => {
  it("refuses a path that is not a GGUF, and an empty one, in one line", async () => {
    const missing = await harness().fails("importModel", { path: path.join(harness().dir, "nothing-here.gguf") });
    expect(missing.message).not.toContain("\n");
    expect(await harness().fails("importModel", { path: "  " })).toMatchObject({
      code: "INVALID_PARAMS",
      message: expect.stringMatching(/enter the path of a \.gguf file/),
    });
  });

  it("imports, lists with its fit, becomes the active model and is benchmarked", async () => {
    const src = await writeTinyLlamaModel(path.join(harness().dir, "mine", "My-Own-Llama.gguf"));
    const row = await harness().call("importModel", { path: src.path });
    expect(row).toMatchObject({
      id: "My-Own-Llama",
      installed: true,
      active: false,
      fit: expect.any(String),
      sizeBytes: src.bytes,
    });
    const listed = await harness().call("listModels");
    expect(listed.find((m) => m.id === "My-Own-Llama")).toMatchObject({ installed: true });

    expect(await harness().call("setActiveModel", { id: "My-Own-Llama" })).toEqual({ activeModelId: "My-Own-Llama" });
    expect(harness().snap().activeModelId).toBe("My-Own-Llama");
    const result = await harness().call("runBenchmark", {});
    expect(result).toMatchObject({ modelId: "My-Own-Llama" });
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    expect((await harness().call("listModels")).find((m) => m.id === "My-Own-Llama")).toMatchObject({
      active: true,
      expectedSpeed: { source: "measured" },
    });
  });
});
