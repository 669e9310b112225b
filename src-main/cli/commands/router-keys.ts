import path from "node:path";
import { formatEther, isAddress, parseEther } from "ethers";
import { PouwError } from "../../../src-shared/errors.js";
import { deploymentFile } from "../../../src-network/devnet/devnet.js";
import { routerKeysFile } from "../../../src-network/devnet/router-service.js";
import { appDataDir } from "../../paths.js";
import { createApiKey, readKeys, readSpent, revokeApiKey } from "../../../src-network/router/api-keys.js";
import { WalletStore } from "../../wallet/wallet-store.js";
import { UsageError, stringOpt, type CliContext, type OptionSpecs, type ParsedCommandArgs } from "../command.js";
import { writeResult } from "../output.js";
import { readDevnetInfo } from "./devnet-load.js";

const ACTIONS = ["create", "list", "revoke"] as const;

/** Options of `pouw-miner router keys …` (beside the router's own). */
export const ROUTER_KEYS_OPTIONS: OptionSpecs = {
  file: { type: "string" },
  account: { type: "string" },
  limit: { type: "string" },
  label: { type: "string" },
};

export const ROUTER_KEYS_USAGE = [
  "       pouw-miner router keys create --limit POUW [--account ADDRESS] [--label TEXT] [--data-dir DIR | --file FILE] [--json]",
  "       pouw-miner router keys list [--data-dir DIR | --file FILE] [--json]",
  "       pouw-miner router keys revoke KEY-ID [--data-dir DIR | --file FILE] [--json]",
];

export const ROUTER_KEYS_DETAILS = [
  "keys: the API keys a router accepts, each tied to a paying account and a spending limit. create",
  "prints the new key once; only its hash is stored. Requests carry it as Authorization: Bearer <key>.",
  "Its tasks are paid by --account (default: the router's wallet in DIR, else the devnet's first",
  "requester account), up to --limit POUW in all. The router reads new and revoked keys while it runs.",
];

export const routerKeysOptionHelp: Record<string, string> = {
  file: "keys: a router key file elsewhere (then --account is required)",
  account: "keys: the address that pays for this key's tasks: one of the router's requester accounts",
  limit: "keys: the most this key may spend, in POUW (e.g. 100 or 2.5)",
  label: "keys: a note shown by list",
};

/** `pouw-miner router keys <create|list|revoke> …`; DIR is the router's (or the devnet's) folder. */
export async function runRouterKeys(args: ParsedCommandArgs, ctx: CliContext): Promise<void> {
  const [, action, ...rest] = args.positionals;
  if (!action || !(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`usage: pouw-miner router keys <${ACTIONS.join("|")}>`);
  }
  const { file, dataDir } = keysFileOf(args);
  switch (action) {
    case "create": {
      const limitText = stringOpt(args, "limit", true);
      let limitWei: bigint;
      try {
        limitWei = parseEther(limitText);
      } catch {
        throw new UsageError(`--limit must be an amount of POUW, got "${limitText}"`);
      }
      if (limitWei <= 0n) throw new UsageError("--limit must be more than 0");
      const account = stringOpt(args, "account") ?? (dataDir ? await devnetRequester(dataDir) : undefined);
      if (!account) throw new UsageError("--account is required with --file");
      if (!isAddress(account)) throw new UsageError(`--account must be an address, got "${account}"`);
      const label = stringOpt(args, "label");
      const { key, entry } = await createApiKey(file, { account, limitWei, ...(label ? { label } : {}) });
      writeResult(
        ctx,
        { key, id: entry.id, account: entry.account, limit: formatEther(limitWei), file },
        (r) =>
          `Created router key ${r.id} (paid by ${r.account}, limit ${r.limit} POUW):\n\n  ${r.key}\n\nIt is shown only now.`,
      );
      return;
    }
    case "list": {
      const spent = await readSpent(file);
      const keys = (await readKeys(file)).map((k) => ({
        id: k.id,
        account: k.account,
        limit: formatEther(BigInt(k.limitWei)),
        spent: formatEther(spent.get(k.id) ?? 0n),
        label: k.label,
        revoked: k.revoked,
        createdAt: k.createdAt,
      }));
      writeResult(ctx, { file, keys }, (r) =>
        r.keys.length === 0
          ? `No router keys in ${r.file}`
          : r.keys
              .map(
                (k) =>
                  `${k.id}  ${k.account}  spent ${k.spent} of ${k.limit} POUW${k.revoked ? "  (revoked)" : ""}${k.label ? `  ${k.label}` : ""}`,
              )
              .join("\n"),
      );
      return;
    }
    case "revoke": {
      const id = rest[0];
      if (!id) throw new UsageError("revoke needs the key's id (see pouw-miner router keys list)");
      const entry = await revokeApiKey(file, id);
      writeResult(ctx, { id: entry.id, revoked: true }, (r) => `Revoked router key ${r.id}`);
      return;
    }
  }
}

function keysFileOf(args: ParsedCommandArgs): { file: string; dataDir?: string } {
  const file = stringOpt(args, "file");
  if (file !== undefined && args.values["data-dir"] !== undefined)
    throw new UsageError("give --file or --data-dir, not both");
  if (file !== undefined) return { file: path.resolve(file) };
  const dataDir = path.resolve(stringOpt(args, "data-dir") ?? path.join(appDataDir(), "devnet"));
  return { file: routerKeysFile(dataDir), dataDir };
}

async function devnetRequester(dataDir: string): Promise<string> {
  // An operator's router folder: its own wallet pays.
  const wallet = new WalletStore(path.join(dataDir, "wallet"));
  if (await wallet.exists()) return wallet.address();
  const info = await readDevnetInfo(deploymentFile(dataDir));
  const requester = info.accounts.find((a) => a.role === "requester");
  if (!requester) throw new PouwError("NOT_FOUND", `the devnet in ${dataDir} has no requester account; give --account`);
  return requester.address;
}
