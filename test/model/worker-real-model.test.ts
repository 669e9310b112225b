import { afterAll, describe, expect, it } from "vitest";
import { cosineSimilarity } from "../../src-shared/similarity.js";
import { WorkerSupervisor } from "../../src-main/worker-client/supervisor.js";

// Needs a real model (stories260K or its mean-pooling twin): POUW_TEST_MODEL=/path/to/model.gguf
const modelPath = process.env.POUW_TEST_MODEL;
if (!modelPath) console.warn("worker-real-model tests skipped: set POUW_TEST_MODEL to a stories260K GGUF to run them");

const started: WorkerSupervisor[] = [];
afterAll(async () => {
  await Promise.all(started.map((w) => w.stop()));
});

async function workerWithModel(): Promise<WorkerSupervisor> {
  const w = new WorkerSupervisor();
  started.push(w);
  await w.start();
  await w.call("loadModel", { path: modelPath as string });
  return w;
}

const task = {
  prompt: "Once upon a time, there was a little",
  seed: 1234,
  temperature: 0.8,
  topP: 0.95,
  topK: 40,
  maxTokens: 60,
};

describe.skipIf(!modelPath)("worker with a real model (POUW_TEST_MODEL)", () => {
  it("writes coherent English, identically from two separate worker processes", async () => {
    const [a, b] = await Promise.all([workerWithModel(), workerWithModel()]);
    expect(a.pid).not.toBe(b.pid);
    const [ra, rb] = await Promise.all([a.call("generate", task), b.call("generate", task)]);
    expect(rb.text).toBe(ra.text);
    const words = ra.text.toLowerCase().match(/[a-z]+/g) ?? [];
    expect(words.length).toBeGreaterThan(20);
    const common = ["the", "a", "was", "she", "he", "and", "to", "her", "his", "they", "it"];
    expect(words.filter((w) => common.includes(w)).length / words.length).toBeGreaterThan(0.15);
    // Mostly letters and punctuation of ordinary prose, not token soup.
    expect((ra.text.match(/[A-Za-z ,.'"!?\n]/g) ?? []).length / ra.text.length).toBeGreaterThan(0.95);
  });

  it("embeddings rank a paraphrase above an unrelated text", async () => {
    const w = started[0] ?? (await workerWithModel());
    const { vectors, dims } = await w.call("embed", {
      texts: [
        "The little girl played with her dog in the park.",
        "A small girl was playing in the park with her puppy.",
        "The stock market fell sharply after the interest rate announcement.",
      ],
    });
    expect(dims).toBeGreaterThan(0);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const [base, paraphrase, unrelated] = vectors as [number[], number[], number[]];
    expect(cosineSimilarity(base, paraphrase)).toBeGreaterThan(cosineSimilarity(base, unrelated));
  });
});
