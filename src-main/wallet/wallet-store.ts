import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { HDNodeWallet, Mnemonic, Wallet, encryptKeystoreJson, isKeystoreJson, type KeystoreAccount } from "ethers";
import { z } from "zod";
import { PouwError } from "../../src-shared/errors.js";
import { writeFileAtomic } from "../storage/atomic-file.js";

/** What the user gives to import a wallet. */
export type WalletImport =
  | { kind: "privateKey"; privateKey: string }
  | { kind: "mnemonic"; phrase: string }
  | { kind: "keystore"; json: string; keystorePassword: string };

const WalletMeta = z.object({
  address: z.string(),
  createdAt: z.string(),
  source: z.enum(["created", "privateKey", "mnemonic", "keystore"]),
  /** The recovery phrase may be revealed once after creation; then only the keystore export remains. */
  mnemonicShown: z.boolean(),
});
type WalletMeta = z.infer<typeof WalletMeta>;

const MIN_PASSWORD = 8;
/** ethers' default scrypt cost; tests may lower it (never below 2^10) to stay fast. */
const DEFAULT_SCRYPT_N = 2 ** 17;

/**
 * The miner's wallet at rest: only an ethers encrypted keystore (scrypt) plus a small metadata file,
 * both readable by the owner only. The private key exists decrypted only in memory, inside the
 * signer returned by `unlock`; nothing here logs it or writes it in plain text.
 */
export class WalletStore {
  private readonly keystorePath: string;
  private readonly metaPath: string;

  constructor(
    readonly dir: string,
    private readonly options: { scryptN?: number } = {},
  ) {
    this.keystorePath = path.join(dir, "keystore.json");
    this.metaPath = path.join(dir, "wallet.json");
  }

  async exists(): Promise<boolean> {
    return stat(this.keystorePath).then(
      () => true,
      () => false,
    );
  }

  /** The address, readable without the password. */
  async address(): Promise<string> {
    return (await this.readMeta()).address;
  }

  async create(password: string): Promise<{ address: string }> {
    const wallet = HDNodeWallet.createRandom();
    await this.save(wallet, password, "created");
    return { address: wallet.address };
  }

  async import(input: WalletImport, password: string): Promise<{ address: string }> {
    const wallet = await walletFromImport(input);
    await this.save(wallet, password, input.kind);
    return { address: wallet.address };
  }

  /** Decrypts the keystore; a wrong password is a clear `WRONG_PASSWORD` error. */
  async unlock(password: string): Promise<Wallet | HDNodeWallet> {
    const json = await this.readKeystore();
    try {
      return await Wallet.fromEncryptedJson(json, password);
    } catch (err) {
      if (err instanceof Error && /incorrect password/i.test(err.message)) {
        throw new PouwError("WRONG_PASSWORD", "wrong wallet password");
      }
      throw new PouwError(
        "INTERNAL",
        `the wallet keystore could not be read: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** The encrypted keystore JSON, after checking the password (so a stranger at the desk cannot take it). */
  async exportKeystore(password: string): Promise<string> {
    await this.unlock(password);
    return this.readKeystore();
  }

  /** The recovery phrase, once, after a password check. */
  async revealMnemonic(password: string): Promise<string> {
    const meta = await this.readMeta();
    if (meta.mnemonicShown) {
      throw new PouwError("INVALID_PARAMS", "the recovery phrase was already shown once; export the keystore instead");
    }
    const wallet = await this.unlock(password);
    if (!(wallet instanceof HDNodeWallet) || !wallet.mnemonic) {
      throw new PouwError("INVALID_PARAMS", "this wallet was imported from a private key and has no recovery phrase");
    }
    await this.writeMeta({ ...meta, mnemonicShown: true });
    return wallet.mnemonic.phrase;
  }

  private async save(wallet: Wallet | HDNodeWallet, password: string, source: WalletMeta["source"]): Promise<void> {
    if (password.length < MIN_PASSWORD) {
      throw new PouwError("INVALID_PARAMS", `the wallet password must be at least ${MIN_PASSWORD} characters`);
    }
    if (await this.exists()) {
      throw new PouwError("INVALID_PARAMS", `a wallet already exists in ${this.dir}; it is never overwritten`);
    }
    const account: KeystoreAccount = { address: wallet.address, privateKey: wallet.privateKey };
    if (wallet instanceof HDNodeWallet && wallet.mnemonic) {
      account.mnemonic = { entropy: wallet.mnemonic.entropy, path: wallet.path ?? undefined, locale: "en" };
    }
    const json = await encryptKeystoreJson(account, password, {
      scrypt: { N: this.options.scryptN ?? DEFAULT_SCRYPT_N },
    });
    await writeFileAtomic(this.keystorePath, json, { mode: 0o600, dirMode: 0o700 });
    await this.writeMeta({
      address: wallet.address,
      createdAt: new Date().toISOString(),
      source,
      mnemonicShown: source !== "created",
    });
  }

  private async readKeystore(): Promise<string> {
    try {
      return await readFile(this.keystorePath, "utf8");
    } catch {
      throw new PouwError("NOT_FOUND", `no wallet in ${this.dir} — create or import one first`);
    }
  }

  private async readMeta(): Promise<WalletMeta> {
    let raw: string;
    try {
      raw = await readFile(this.metaPath, "utf8");
    } catch {
      throw new PouwError("NOT_FOUND", `no wallet in ${this.dir} — create or import one first`);
    }
    const parsed = WalletMeta.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new PouwError("INTERNAL", `the wallet metadata file ${this.metaPath} is damaged`);
    return parsed.data;
  }

  private async writeMeta(meta: WalletMeta): Promise<void> {
    await writeFileAtomic(this.metaPath, JSON.stringify(meta, null, 2), { mode: 0o600, dirMode: 0o700 });
  }
}

async function walletFromImport(input: WalletImport): Promise<Wallet | HDNodeWallet> {
  switch (input.kind) {
    case "privateKey": {
      const key = input.privateKey.trim();
      const hex = key.startsWith("0x") ? key : `0x${key}`;
      if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
        throw new PouwError("INVALID_PARAMS", "a private key is 64 hexadecimal characters");
      return new Wallet(hex);
    }
    case "mnemonic": {
      const phrase = input.phrase.trim().split(/\s+/).join(" ");
      if (!Mnemonic.isValidMnemonic(phrase))
        throw new PouwError("INVALID_PARAMS", "that recovery phrase is not a valid BIP-39 mnemonic");
      return HDNodeWallet.fromPhrase(phrase);
    }
    case "keystore": {
      if (!isKeystoreJson(input.json))
        throw new PouwError("INVALID_PARAMS", "that file is not an Ethereum keystore JSON");
      try {
        return await Wallet.fromEncryptedJson(input.json, input.keystorePassword);
      } catch {
        throw new PouwError("WRONG_PASSWORD", "wrong password for the keystore being imported");
      }
    }
  }
}
