import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUILT_IN_TOPICS,
  chooseTopics,
  countByTopic,
  findTopic,
  loadTopics,
  parseTopicFile,
  topicsOf,
} from "../../src-network/demand/topic-catalogue.js";

describe("topic catalogue", () => {
  it("ships hundreds of distinct topics across at least ten domains", () => {
    const topics = topicsOf(BUILT_IN_TOPICS);
    expect(topics.length).toBeGreaterThanOrEqual(300);
    expect(new Set(topics.map((t) => t.id)).size).toBe(topics.length);
    expect(new Set(topics.map((t) => t.domain)).size).toBeGreaterThanOrEqual(10);
    // The five themes the devnet deploys on chain are in it, so their records are labelled.
    expect(findTopic(topics, "a rainy day")?.domain).toBe("stories");
  });

  it("refuses a bad file with one line naming where it is bad", () => {
    expect(() => parseTopicFile({ version: 1, domains: { Bad: ["x"] } }, "x.json")).toThrow(
      /topics file x\.json is invalid at domains/,
    );
    expect(() => parseTopicFile({ version: 2, domains: {} }, "y.json")).toThrow(/invalid at version/);
  });

  it("a deployment's file adds topics and domains, and cannot duplicate a built-in", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "topics-"));
    const file = path.join(dir, "extra.json");
    await fs.writeFile(
      file,
      JSON.stringify({
        version: 1,
        domains: { law: ["what a contract is", "what a tort is"], stories: ["A rainy day"] },
      }),
    );
    const topics = await loadTopics(file);
    expect(topics.length).toBe(topicsOf(BUILT_IN_TOPICS).length + 2);
    expect(findTopic(topics, "what a tort is")?.id).toBe("law:what a tort is");
    await fs.writeFile(file, "{ not json");
    await expect(loadTopics(file)).rejects.toThrow(/cannot read the topics file/);
    await fs.rm(dir, { recursive: true });
  });
});

describe("gap-filling selection", () => {
  const topics = topicsOf({ version: 1, domains: { a: ["a1", "a2", "a3"], b: ["b1", "b2"] } });

  it("chooses the topics with the fewest records first", () => {
    const counts = new Map([
      ["a:a1", 5],
      ["a:a2", 5],
      ["a:a3", 5],
      ["b:b1", 5],
      ["b:b2", 1],
    ]);
    expect(chooseTopics(topics, counts, "s").map((t) => t.id)).toEqual(["b:b2"]);
    // Among equally empty topics, the emptier domain goes first.
    const gaps = new Map([["a:a1", 4]]);
    expect(chooseTopics(topics, gaps, "s", 2).map((t) => t.domain)).toEqual(["b", "b"]);
  });

  it("is deterministic for a seed, varies with it, and returns each topic once", () => {
    const empty = new Map<string, number>();
    expect(chooseTopics(topics, empty, "seed-1", 5)).toEqual(chooseTopics(topics, empty, "seed-1", 5));
    const firsts = new Set(Array.from({ length: 20 }, (_, i) => chooseTopics(topics, empty, `s${i}`)[0]?.id));
    expect(firsts.size).toBeGreaterThan(1);
    expect(new Set(chooseTopics(topics, empty, "x", 10).map((t) => t.id)).size).toBe(5);
  });

  it("filling by choice levels the counts where uniform choice would not", () => {
    const all = topicsOf(BUILT_IN_TOPICS);
    const counts = new Map<string, number>();
    for (let i = 0; i < all.length * 2; i++) {
      const [t] = chooseTopics(all, counts, `round-${i}`);
      if (t) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    }
    expect(Math.min(...all.map((t) => counts.get(t.id) ?? 0))).toBe(2);
    expect(Math.max(...all.map((t) => counts.get(t.id) ?? 0))).toBe(2);
    expect(countByTopic([{ topicId: "a:a1" }, { topicId: "a:a1" }, {}]).get("a:a1")).toBe(2);
  });
});
