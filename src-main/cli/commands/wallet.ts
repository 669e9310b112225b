import { readFile } from "node:fs/promises";
import path from "node:path";
import { PouwError } from "../../../src-shared/errors.js";
import { appDataDir } from "../../paths.js";
import { writeFileAtomic } from "../../storage/atomic-file.js";
import { readPassword, readSecretFile } from "../../wallet/password-source.js";
import { WalletStore, type WalletImport } from "../../wallet/wallet-store.js";
import { UsageError, stringOpt, type CommandSpec, type ParsedCommandArgs } from "../command.js";
import { writeResult } from "../output.js";

const ACTIONS = ["create", "import", "address", "export", "backup"] as const;

export const walletCommand: CommandSpec = {
  name: "wallet",
  summary: "create, import, back up and export the miner's wallet",
  usage: "<create|import|address|export|backup> [options] [--json]",
  details: [
    "Actions:",
    "  create    make a new wallet, encrypted with your password",
    "  import    from --private-key-file, --mnemonic-file or --keystore (+ --keystore-password-file)",
    "  address   print the wallet's address (no password needed)",
    "  export    write the encrypted keystore to --out FILE (or stdout) after a password check",
    "  backup    show the recovery phrase, once, after a password check",
    "",
    "The password comes from --password-file, the POUW_WALLET_PASSWORD variable, or a hidden prompt.",
    "Secrets are never accepted as command-line arguments.",
  ].join("\n"),
  options: {
    "data-dir": { type: "string" },
    "password-file": { type: "string" },
    "private-key-file": { type: "string" },
    "mnemonic-file": { type: "string" },
    keystore: { type: "string" },
    "keystore-password-file": { type: "string" },
    out: { type: "string" },
  },
  optionHelp: {
    "data-dir": "data folder (default: the app's data folder, or POUW_DATA_DIR)",
    "password-file": "file whose first line is the wallet password",
    out: "where export writes the keystore JSON (readable by you only)",
  },
  allowPositionals: true,
  async run(args, ctx) {
    const action = args.positionals[0];
    if (!action || !(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`wallet needs an action: ${ACTIONS.join(", ")}`);
    }
    const dataDir = stringOpt(args, "data-dir") ?? appDataDir();
    const store = new WalletStore(path.join(dataDir, "wallet"));
    const password = () => readPassword({ passwordFile: stringOpt(args, "password-file") });

    switch (action) {
      case "create": {
        const { address } = await store.create(await password());
        writeResult(
          ctx,
          { address, dir: store.dir },
          (r) => `Created wallet ${r.address}\nBack up its recovery phrase now: pouw-miner wallet backup`,
        );
        return;
      }
      case "import": {
        const source = await importSource(args);
        const { address } = await store.import(source, await password());
        writeResult(ctx, { address, dir: store.dir }, (r) => `Imported wallet ${r.address}`);
        return;
      }
      case "address":
        writeResult(ctx, { address: await store.address() }, (r) => r.address);
        return;
      case "export": {
        const json = await store.exportKeystore(await password());
        const out = stringOpt(args, "out");
        if (out) {
          await writeFileAtomic(out, json, { mode: 0o600 });
          writeResult(ctx, { path: path.resolve(out) }, (r) => `Wrote the encrypted keystore to ${r.path}`);
        } else {
          writeResult(ctx, { keystore: JSON.parse(json) as unknown }, () => json);
        }
        return;
      }
      case "backup": {
        const phrase = await store.revealMnemonic(await password());
        writeResult(
          ctx,
          { mnemonic: phrase },
          (r) => `Recovery phrase (write it down; it will not be shown again):\n\n  ${r.mnemonic}\n`,
        );
        return;
      }
    }
  },
};

async function importSource(args: ParsedCommandArgs): Promise<WalletImport> {
  const keyFile = stringOpt(args, "private-key-file");
  const phraseFile = stringOpt(args, "mnemonic-file");
  const keystore = stringOpt(args, "keystore");
  const given = [keyFile, phraseFile, keystore].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError("import takes exactly one of --private-key-file, --mnemonic-file, --keystore");
  if (keyFile) return { kind: "privateKey", privateKey: await readSecretFile(keyFile, "private key file") };
  if (phraseFile) return { kind: "mnemonic", phrase: await readSecretFile(phraseFile, "recovery phrase file") };
  const ksPasswordFile = stringOpt(args, "keystore-password-file");
  if (!ksPasswordFile) throw new UsageError("--keystore needs --keystore-password-file");
  let json: string;
  try {
    json = await readFile(keystore!, "utf8");
  } catch {
    throw new PouwError("NOT_FOUND", `cannot read the keystore file ${keystore}`);
  }
  return { kind: "keystore", json, keystorePassword: await readSecretFile(ksPasswordFile, "keystore password file") };
}
