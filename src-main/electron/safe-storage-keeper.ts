import { readFile, rm } from "node:fs/promises";
import type { SafeStorage } from "electron";
import type { PasswordKeeper } from "../wallet/wallet-actions.js";
import { writeFileAtomic } from "../storage/atomic-file.js";

/**
 * "Remember on this computer": the wallet password encrypted by the OS keychain (Electron's
 * safeStorage: Keychain, DPAPI, libsecret) in a file readable by the owner only. Where the OS has
 * no keychain (safeStorage would fall back to a fixed key on Linux) nothing is remembered.
 */
export function safeStorageKeeper(
  safeStorage: Pick<SafeStorage, "isEncryptionAvailable" | "encryptString" | "decryptString"> & {
    getSelectedStorageBackend?: () => string;
  },
  file: string,
): PasswordKeeper | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (safeStorage.getSelectedStorageBackend?.() === "basic_text") return undefined;
  return {
    async load() {
      const data = await readFile(file).catch(() => undefined);
      if (!data) return undefined;
      try {
        return safeStorage.decryptString(data);
      } catch {
        return undefined; // another user's or another machine's keychain: ask for the password
      }
    },
    async save(password) {
      await writeFileAtomic(file, safeStorage.encryptString(password), { mode: 0o600, dirMode: 0o700 });
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
}
