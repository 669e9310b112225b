import type { SetupState } from "../../src-shared/app-views.js";
import { PouwError } from "../../src-shared/errors.js";
import { PasswordBackoff, type BackoffOptions } from "../wallet/password-backoff.js";
import { WalletStore, type WalletImport } from "../wallet/wallet-store.js";
import type { MinerSigner } from "./open-wallet.js";

/**
 * Keeps the wallet password between launches where the OS offers a keychain (Electron's
 * safeStorage). The plain-Node session has none; the Electron shell supplies one.
 */
export interface PasswordKeeper {
  load(): Promise<string | undefined>;
  save(password: string): Promise<void>;
  clear(): Promise<void>;
}

export type ImportSource = "privateKey" | "mnemonic" | "keystore";

function toImport(source: ImportSource, secret: string, keystorePassword: string): WalletImport {
  switch (source) {
    case "privateKey":
      return { kind: "privateKey", privateKey: secret };
    case "mnemonic":
      return { kind: "mnemonic", phrase: secret };
    case "keystore":
      return { kind: "keystore", json: secret, keystorePassword };
  }
}

/**
 * The wallet as the first run and the Wallet page see it: none, locked (a keystore waiting for its
 * password) or unlocked (a signer in memory). Secrets only go in; out comes the recovery phrase,
 * once, after a password check, and the still-encrypted keystore.
 */
export class WalletActions {
  private signerValue: MinerSigner | undefined;
  private hasKeystore = false;
  /** Every check of the saved wallet's password goes through this: guessing gets slower and slower. */
  private readonly guesses: PasswordBackoff;

  constructor(
    private readonly store: WalletStore,
    private readonly keeper?: PasswordKeeper,
    backoff: BackoffOptions = {},
  ) {
    this.guesses = new PasswordBackoff(backoff);
  }

  static async open(
    dir: string,
    opts: { scryptN?: number; keeper?: PasswordKeeper; backoff?: BackoffOptions } = {},
  ): Promise<WalletActions> {
    const actions = new WalletActions(
      new WalletStore(dir, opts.scryptN ? { scryptN: opts.scryptN } : {}),
      opts.keeper,
      opts.backoff,
    );
    actions.hasKeystore = await actions.store.exists();
    return actions;
  }

  get state(): SetupState["wallet"] {
    if (this.signerValue) return "unlocked";
    return this.hasKeystore ? "locked" : "none";
  }

  get signer(): MinerSigner | undefined {
    return this.signerValue;
  }

  /** Address without the password (for a locked wallet), when there is a wallet. */
  async address(): Promise<string | undefined> {
    if (this.signerValue) return this.signerValue.address;
    return this.hasKeystore ? this.store.address() : undefined;
  }

  async create(password: string): Promise<MinerSigner> {
    await this.store.create(password);
    this.hasKeystore = true;
    return this.unlock(password);
  }

  async import(
    source: ImportSource,
    secret: string,
    password: string,
    keystorePassword?: string,
  ): Promise<MinerSigner> {
    await this.store.import(toImport(source, secret, keystorePassword ?? password), password);
    this.hasKeystore = true;
    return this.unlock(password);
  }

  /** A wrong password is WRONG_PASSWORD and changes nothing (the keystore is only read). */
  async unlock(password: string, remember?: boolean): Promise<MinerSigner> {
    if (!this.hasKeystore) throw new PouwError("NOT_FOUND", "there is no wallet yet — create or import one first");
    this.signerValue = await this.guesses.attempt(() => this.store.unlock(password));
    if (remember === true) {
      if (!this.keeper)
        throw new PouwError(
          "INVALID_PARAMS",
          "this computer offers no keychain to remember the password; unlock at each start",
        );
      await this.keeper.save(password);
    } else if (remember === false) {
      await this.keeper?.clear();
    }
    return this.signerValue;
  }

  /** Unlocks with a password the keychain kept, if any; a stale one is forgotten, not an error. */
  async unlockRemembered(): Promise<MinerSigner | undefined> {
    if (!this.hasKeystore || !this.keeper) return undefined;
    const password = await this.keeper.load();
    if (!password) return undefined;
    try {
      return await this.unlock(password);
    } catch (err) {
      if (err instanceof PouwError && err.code === "WRONG_PASSWORD") await this.keeper.clear();
      return undefined;
    }
  }

  async recoveryWords(password: string): Promise<string[]> {
    return (await this.guesses.attempt(() => this.store.revealMnemonic(password))).split(" ");
  }

  exportKeystore(password: string): Promise<string> {
    return this.guesses.attempt(() => this.store.exportKeystore(password));
  }
}
