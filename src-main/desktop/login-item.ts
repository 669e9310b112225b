import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../storage/atomic-file.js";

/** The argument a login start passes: the app comes up in the tray, with no window. */
export const HIDDEN_ARG = "--hidden";
export const AUTOSTART_FILE_NAME = "pouw-miner.desktop";

/** Electron's app.setLoginItemSettings (macOS, Windows), as far as this uses it. */
export type SetLoginItem = (settings: { openAtLogin: boolean; args?: string[] }) => void;

export interface LoginItemHost {
  platform: NodeJS.Platform;
  /** From a source checkout the executable is the bare Electron binary: nothing is registered. */
  isPackaged: boolean;
  /** process.execPath: the app's executable (inside a temporary mount for an AppImage). */
  execPath: string;
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  setLoginItem: SetLoginItem;
  /** Shown in the autostart entry. */
  appName?: string;
  /** The icon name the Linux packages install (electron-builder: the executable's name). */
  iconName?: string;
}

export type LoginItemResult = "not-packaged" | "login-item" | "autostart-written" | "autostart-removed";

/** `$XDG_CONFIG_HOME/autostart/pouw-miner.desktop`, `~/.config/autostart/…` when the variable is unset or not absolute. */
export function autostartFile(env: NodeJS.ProcessEnv, homeDir = os.homedir()): string {
  const configHome =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homeDir, ".config");
  return path.join(configHome, "autostart", AUTOSTART_FILE_NAME);
}

/** The file a login start runs: an AppImage's own path (APPIMAGE), else the executable. */
export function loginExecutable(execPath: string, env: NodeJS.ProcessEnv): string {
  return env.APPIMAGE && path.isAbsolute(env.APPIMAGE) ? env.APPIMAGE : execPath;
}

// Desktop Entry spec, "The Exec key": an argument with any of these must be quoted in whole.
const RESERVED = /[\s"'\\><~|&;$*?#`=()]/;

/**
 * One argument of an Exec value, per the Desktop Entry spec: quoted in double quotes when it has a
 * reserved character, with `"`, `` ` ``, `$` and `\` backslash-escaped inside; `%` doubled (field
 * codes); then the string-value escapes, applied before the quoting when the file is read (so a
 * literal backslash in a quoted argument is four backslashes in the file).
 */
export function execArg(arg: string): string {
  const quoted = RESERVED.test(arg) ? `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"` : arg;
  return quoted
    .replace(/%/g, "%%")
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\t/g, "\\t")
    .replace(/\r/g, "\\r");
}

/** A string value on one line (Name=, Icon=): backslash and control characters escaped. */
function entryValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r");
}

/** The XDG autostart entry that starts `executable --hidden` at login. */
export function autostartEntry(executable: string, opts: { appName?: string; iconName?: string } = {}): string {
  const name = opts.appName ?? "PoUW Miner";
  return [
    "[Desktop Entry]",
    "Type=Application",
    "Version=1.0",
    `Name=${entryValue(name)}`,
    `Comment=${entryValue(`Starts ${name} in the tray at login`)}`,
    `Exec=${[executable, HIDDEN_ARG].map(execArg).join(" ")}`,
    `Icon=${entryValue(opts.iconName ?? "pouw-miner")}`,
    "Terminal=false",
    "X-GNOME-Autostart-enabled=true",
    "",
  ].join("\n");
}

/**
 * Makes the OS start the app at login (hidden, in the tray) or stop doing so. macOS and Windows:
 * Electron's login item (Windows passes `--hidden`; macOS says "opened at login" instead). Linux:
 * an XDG autostart entry, written or removed. Nothing for a source checkout.
 */
export async function applyStartOnLogin(enabled: boolean, host: LoginItemHost): Promise<LoginItemResult> {
  if (!host.isPackaged) return "not-packaged";
  if (host.platform === "darwin" || host.platform === "win32") {
    host.setLoginItem({ openAtLogin: enabled, ...(host.platform === "win32" ? { args: [HIDDEN_ARG] } : {}) });
    return "login-item";
  }
  const file = autostartFile(host.env, host.homeDir);
  if (!enabled) {
    await rm(file, { force: true });
    return "autostart-removed";
  }
  const entry = autostartEntry(loginExecutable(host.execPath, host.env), {
    ...(host.appName ? { appName: host.appName } : {}),
    ...(host.iconName ? { iconName: host.iconName } : {}),
  });
  await writeFileAtomic(file, entry, { mode: 0o644 });
  return "autostart-written";
}

/** Started by a login item: `--hidden` on the command line (Windows, Linux), or macOS saying so. */
export function startedHidden(argv: readonly string[], wasOpenedAtLogin = false): boolean {
  return argv.includes(HIDDEN_ARG) || wasOpenedAtLogin;
}

/**
 * Applies the startOnLogin setting now and again whenever it changes (settings arrive in patches);
 * failures are reported, never thrown. Returns the stop function.
 */
export function followStartOnLogin(
  core: { getSettings(): { startOnLogin: boolean }; onPatch(listener: () => void): () => void },
  apply: (enabled: boolean) => Promise<unknown>,
  onError: (message: string) => void = () => undefined,
): () => void {
  let applied: boolean | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const check = (): void => {
    const wanted = core.getSettings().startOnLogin;
    if (wanted === applied) return;
    applied = wanted;
    // In order: a quick on-off-on ends with the entry written.
    queue = queue
      .then(() => apply(wanted))
      .catch((err: unknown) => onError(`start on login: ${err instanceof Error ? err.message : String(err)}`));
  };
  check();
  return core.onPatch(check);
}
