import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import builtIn from "./topics.json" with { type: "json" };

/** A topics file: topics grouped by domain. The built-in one ships here; a deployment may add its own. */
export const TopicFile = z.object({
  version: z.literal(1),
  domains: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/, "a domain is lower-case letters, digits and dashes"),
    z.array(z.string().trim().min(3).max(200)).min(1),
  ),
});
export type TopicFile = z.infer<typeof TopicFile>;

export interface Topic {
  /** `domain:text`, stable while the text is: what dataset records count against. */
  id: string;
  domain: string;
  text: string;
}

export function topicId(domain: string, text: string): string {
  return `${domain}:${text.trim().toLowerCase()}`;
}

/** Topics of one or more files, the first occurrence of an id kept (so a deployment cannot rename built-ins). */
export function topicsOf(...files: TopicFile[]): Topic[] {
  const seen = new Map<string, Topic>();
  for (const file of files) {
    for (const [domain, texts] of Object.entries(file.domains)) {
      for (const text of texts) {
        const id = topicId(domain, text);
        if (!seen.has(id)) seen.set(id, { id, domain, text: text.trim() });
      }
    }
  }
  return [...seen.values()];
}

export function parseTopicFile(json: unknown, source: string): TopicFile {
  const parsed = TopicFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PouwError(
      "INVALID_PARAMS",
      `the topics file ${source} is invalid at ${issue?.path.join(".") || "its root"}: ${issue?.message ?? "bad shape"}`,
    );
  }
  return parsed.data;
}

export const BUILT_IN_TOPICS: TopicFile = parseTopicFile(builtIn, "built-in topics.json");

/** The built-in catalogue, extended by a deployment's topics file when one is named. */
export async function loadTopics(extraFile?: string): Promise<Topic[]> {
  if (!extraFile) return topicsOf(BUILT_IN_TOPICS);
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(extraFile, "utf8"));
  } catch (err) {
    throw new PouwError(
      "INVALID_PARAMS",
      `cannot read the topics file ${extraFile}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  return topicsOf(BUILT_IN_TOPICS, parseTopicFile(json, extraFile));
}

/** The catalogue topic an on-chain topic string names, by text (any domain), if the catalogue has it. */
export function findTopic(topics: readonly Topic[], text: string): Topic | undefined {
  const t = text.trim().toLowerCase();
  return topics.find((x) => x.text.toLowerCase() === t);
}

function tieBreak(seed: string, id: string): string {
  return createHash("sha256").update(seed).update("\0").update(id).digest("hex");
}

/**
 * The next `n` topics to generate, filling the dataset's gaps: topics with the fewest records first,
 * then domains with the fewest records, ties broken by a hash of (seed, id) so the order is
 * deterministic for a seed but not the file's order. Uniform choice would leave the gaps open for long.
 */
export function chooseTopics(
  topics: readonly Topic[],
  counts: ReadonlyMap<string, number>,
  seed: string,
  n = 1,
): Topic[] {
  const domainCount = new Map<string, number>();
  for (const t of topics) domainCount.set(t.domain, (domainCount.get(t.domain) ?? 0) + (counts.get(t.id) ?? 0));
  const keyed = topics.map((t) => ({
    t,
    c: counts.get(t.id) ?? 0,
    d: domainCount.get(t.domain) ?? 0,
    h: tieBreak(seed, t.id),
  }));
  keyed.sort((a, b) => a.c - b.c || a.d - b.d || (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return keyed.slice(0, Math.max(0, n)).map((k) => k.t);
}

/** Records per catalogue topic, from the records' topic ids. */
export function countByTopic(records: Iterable<{ topicId?: string | undefined }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) if (r.topicId) counts.set(r.topicId, (counts.get(r.topicId) ?? 0) + 1);
  return counts;
}
