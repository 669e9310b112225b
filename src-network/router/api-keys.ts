import { createHash, randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { getAddress } from "ethers";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import { writeFileAtomic } from "../../src-main/storage/atomic-file.js";

/**
 * The router's API keys. Each is tied to one paying account (a requester the router holds the key
 * of) and a spending limit in token wei. Only a hash of each key is stored; the key itself is shown
 * once, when created. Two files, each with one writer, so neither can lose the other's update:
 * `<name>.json` (keys; written by `pouw-miner router keys`) and `<name>.spent.json` (what each key
 * has spent; written by the router).
 */
const Wei = z.string().regex(/^\d+$/, "expected an amount in wei");
const KeyEntry = z.object({
  id: z.string().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  account: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  limitWei: Wei,
  label: z.string().default(""),
  createdAt: z.string(),
  revoked: z.boolean().default(false),
});
export type ApiKeyEntry = z.infer<typeof KeyEntry>;
const KeysFile = z.object({ version: z.literal(1), keys: z.array(KeyEntry) });
const SpentFile = z.object({ version: z.literal(1), spentWei: z.record(z.string(), Wei) });

export const API_KEY_PREFIX = "pouw-sk-";

export function spentFileOf(keysFile: string): string {
  return keysFile.replace(/\.json$/, "") + ".spent.json";
}

const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");

export async function readKeys(file: string): Promise<ApiKeyEntry[]> {
  const raw = await readJsonFile(file);
  if (raw === undefined) return [];
  const parsed = KeysFile.safeParse(raw);
  if (!parsed.success)
    throw new PouwError(
      "INVALID_PARAMS",
      `${file} is not a router key file (${parsed.error.issues[0]?.message ?? "bad shape"})`,
    );
  return parsed.data.keys;
}

export async function readSpent(keysFile: string): Promise<Map<string, bigint>> {
  const raw = await readJsonFile(spentFileOf(keysFile));
  const parsed = raw === undefined ? undefined : SpentFile.safeParse(raw);
  // What was spent is a record, not a permission: an unreadable file is not a reason to refuse.
  if (!parsed?.success) return new Map();
  return new Map(Object.entries(parsed.data.spentWei).map(([id, v]) => [id, BigInt(v)]));
}

/** Creates a key; returns it (the only time it is shown) and its entry. */
export async function createApiKey(
  file: string,
  opts: { account: string; limitWei: bigint; label?: string },
): Promise<{ key: string; entry: ApiKeyEntry }> {
  if (opts.limitWei <= 0n) throw new PouwError("INVALID_PARAMS", "a key's spending limit must be more than 0");
  const keys = await readKeys(file);
  const key = API_KEY_PREFIX + randomBytes(24).toString("base64url");
  const hash = hashOf(key);
  const entry: ApiKeyEntry = {
    id: `key-${hash.slice(0, 8)}`,
    hash,
    account: getAddress(opts.account),
    limitWei: opts.limitWei.toString(),
    label: opts.label ?? "",
    createdAt: new Date().toISOString(),
    revoked: false,
  };
  await writeKeys(file, [...keys, entry]);
  return { key, entry };
}

export async function revokeApiKey(file: string, id: string): Promise<ApiKeyEntry> {
  const keys = await readKeys(file);
  const entry = keys.find((k) => k.id === id);
  if (!entry) throw new PouwError("NOT_FOUND", `no router key ${id} in ${file}`);
  entry.revoked = true;
  await writeKeys(file, keys);
  return entry;
}

function writeKeys(file: string, keys: ApiKeyEntry[]): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 });
}

export interface SpendHold {
  /** The task was paid for: the amount counts against the key from now on. */
  commit(): Promise<void>;
  /** Nothing was spent: the amount is free again. */
  release(): void;
}

export interface ApiKeyGrant {
  id: string;
  /** The account that pays for this key's tasks. */
  account: string;
  /** Holds `amount` against the key's limit, or throws when it would go over. */
  reserve(amount: bigint): SpendHold;
}

/**
 * The router's view of its key file: re-read when the file changes (keys made while it runs
 * work at once); spending persisted after each paid task.
 */
export class ApiKeyStore {
  private keys = new Map<string, ApiKeyEntry>();
  private version = "";
  private readonly held = new Map<string, bigint>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly spent: Map<string, bigint>,
  ) {}

  static async open(file: string): Promise<ApiKeyStore> {
    const store = new ApiKeyStore(file, await readSpent(file));
    await store.refresh();
    return store;
  }

  spentWei(id: string): bigint {
    return this.spent.get(id) ?? 0n;
  }

  /** The grant for a presented key, or undefined for a missing, unknown or revoked one. */
  async authenticate(key: string | undefined): Promise<ApiKeyGrant | undefined> {
    if (!key?.startsWith(API_KEY_PREFIX)) return undefined;
    await this.refresh();
    const entry = this.keys.get(hashOf(key));
    if (!entry || entry.revoked) return undefined;
    return { id: entry.id, account: entry.account, reserve: (amount) => this.reserve(entry, amount) };
  }

  private reserve(entry: ApiKeyEntry, amount: bigint): SpendHold {
    const held = this.held.get(entry.id) ?? 0n;
    if (this.spentWei(entry.id) + held + amount > BigInt(entry.limitWei)) {
      throw new PouwError(
        "INSUFFICIENT_FUNDS",
        `key ${entry.id} has reached its spending limit (${entry.limitWei} wei)`,
      );
    }
    this.held.set(entry.id, held + amount);
    let settled = false;
    const unhold = () => {
      if (settled) return false;
      settled = true;
      this.held.set(entry.id, (this.held.get(entry.id) ?? 0n) - amount);
      return true;
    };
    return {
      release: () => void unhold(),
      commit: async () => {
        if (!unhold()) return;
        this.spent.set(entry.id, this.spentWei(entry.id) + amount);
        await this.saveSpent();
      },
    };
  }

  private saveSpent(): Promise<void> {
    const write = this.writes.then(() =>
      writeFileAtomic(
        spentFileOf(this.file),
        `${JSON.stringify({ version: 1, spentWei: Object.fromEntries([...this.spent].map(([id, v]) => [id, v.toString()])) }, null, 2)}\n`,
        { mode: 0o600 },
      ),
    );
    this.writes = write.catch(() => undefined);
    return write;
  }

  private async refresh(): Promise<void> {
    // Keys are rewritten by rename: a new inode, time or size means a new file.
    const version = await stat(this.file).then(
      (s) => `${s.ino}:${s.mtimeMs}:${s.size}`,
      () => "none",
    );
    if (version === this.version) return;
    const keys = await readKeys(this.file);
    this.keys = new Map(keys.map((k) => [k.hash, k]));
    this.version = version;
  }
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PouwError("INVALID_PARAMS", `${file} is not valid JSON`);
  }
}
