import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  applyStartOnLogin,
  autostartEntry,
  autostartFile,
  execArg,
  followStartOnLogin,
  startedHidden,
  type LoginItemHost,
  type SetLoginItem,
} from "../../src-main/desktop/login-item.js";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-login-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const linuxHost = (over: Partial<Omit<LoginItemHost, "setLoginItem">> = {}) => ({
  platform: "linux" as NodeJS.Platform,
  isPackaged: true,
  execPath: "/opt/PoUW Miner/pouw-miner",
  env: { XDG_CONFIG_HOME: path.join(tmp, "config") },
  homeDir: path.join(tmp, "home"),
  setLoginItem: vi.fn<SetLoginItem>(),
  ...over,
});
const entryFile = () => path.join(tmp, "config", "autostart", "pouw-miner.desktop");

describe("start on login, Linux (XDG autostart)", () => {
  it("enable writes the exact entry under $XDG_CONFIG_HOME/autostart; disable removes it", async () => {
    const host = linuxHost();
    expect(await applyStartOnLogin(true, host)).toBe("autostart-written");
    expect(fs.readFileSync(entryFile(), "utf8")).toBe(
      [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        "Name=PoUW Miner",
        "Comment=Starts PoUW Miner in the tray at login",
        'Exec="/opt/PoUW Miner/pouw-miner" --hidden',
        "Icon=pouw-miner",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
      ].join("\n"),
    );
    expect(fs.statSync(entryFile()).mode & 0o777).toBe(0o644);
    // Written again (the AppImage may have moved): same file, no temp files left beside it.
    await applyStartOnLogin(true, host);
    expect(fs.readdirSync(path.dirname(entryFile()))).toEqual(["pouw-miner.desktop"]);
    expect(await applyStartOnLogin(false, host)).toBe("autostart-removed");
    expect(fs.existsSync(entryFile())).toBe(false);
    // Removing what is not there is fine.
    expect(await applyStartOnLogin(false, host)).toBe("autostart-removed");
    expect(host.setLoginItem).not.toHaveBeenCalled();
  });

  it("runs the AppImage's real path, not the executable inside its temporary mount", async () => {
    const host = linuxHost({
      execPath: "/tmp/.mount_PoUWabc/pouw-miner",
      env: { XDG_CONFIG_HOME: path.join(tmp, "config"), APPIMAGE: "/home/ann/Apps/PoUW-Miner-0.1.0.AppImage" },
    });
    await applyStartOnLogin(true, host);
    expect(fs.readFileSync(entryFile(), "utf8")).toContain(
      "\nExec=/home/ann/Apps/PoUW-Miner-0.1.0.AppImage --hidden\n",
    );
  });

  it("defaults to ~/.config/autostart when XDG_CONFIG_HOME is unset or relative", async () => {
    const home = path.join(tmp, "home");
    expect(autostartFile({}, home)).toBe(path.join(home, ".config", "autostart", "pouw-miner.desktop"));
    expect(autostartFile({ XDG_CONFIG_HOME: "relative/cfg" }, home)).toBe(
      path.join(home, ".config", "autostart", "pouw-miner.desktop"),
    );
    await applyStartOnLogin(true, linuxHost({ env: {} }));
    expect(fs.existsSync(path.join(home, ".config", "autostart", "pouw-miner.desktop"))).toBe(true);
  });

  it("quotes Exec arguments per the Desktop Entry spec", () => {
    expect(execArg("/usr/bin/pouw-miner")).toBe("/usr/bin/pouw-miner");
    expect(execArg("/home/ann/My Apps/miner")).toBe('"/home/ann/My Apps/miner"');
    // Inside quotes ", `, $ and \ are backslash-escaped, then the string escape doubles every backslash.
    expect(execArg('/a"b')).toBe('"/a\\\\"b"');
    expect(execArg("/a$b")).toBe('"/a\\\\$b"');
    expect(execArg("/a\\b")).toBe('"/a\\\\\\\\b"');
    expect(execArg("/a`b")).toBe('"/a\\\\`b"');
    // Field codes: a literal % is doubled, quoted or not.
    expect(execArg("/opt/100%/m")).toBe("/opt/100%%/m");
    expect(execArg("/opt/100% sure/m")).toBe('"/opt/100%% sure/m"');
    expect(execArg("/x'y")).toBe(`"/x'y"`);
    expect(autostartEntry("/opt/a b/m")).toContain('\nExec="/opt/a b/m" --hidden\n');
  });

  it("registers nothing from a source checkout (it would start the bare Electron binary)", async () => {
    const host = linuxHost({ isPackaged: false });
    expect(await applyStartOnLogin(true, host)).toBe("not-packaged");
    expect(fs.existsSync(entryFile())).toBe(false);
    const mac = linuxHost({ platform: "darwin", isPackaged: false });
    expect(await applyStartOnLogin(true, mac)).toBe("not-packaged");
    expect(mac.setLoginItem).not.toHaveBeenCalled();
  });
});

describe("start on login, macOS and Windows (Electron's login item)", () => {
  it("Windows passes --hidden; macOS reports the login start itself", async () => {
    const win = linuxHost({ platform: "win32" });
    expect(await applyStartOnLogin(true, win)).toBe("login-item");
    await applyStartOnLogin(false, win);
    expect(win.setLoginItem.mock.calls).toEqual([
      [{ openAtLogin: true, args: ["--hidden"] }],
      [{ openAtLogin: false, args: ["--hidden"] }],
    ]);
    const mac = linuxHost({ platform: "darwin" });
    await applyStartOnLogin(true, mac);
    expect(mac.setLoginItem.mock.calls).toEqual([[{ openAtLogin: true }]]);
    expect(fs.existsSync(entryFile())).toBe(false);
  });

  it("a login start is hidden: --hidden on the command line, or macOS's wasOpenedAtLogin", () => {
    expect(startedHidden(["/opt/m", "--hidden"])).toBe(true);
    expect(startedHidden(["/opt/m"])).toBe(false);
    expect(startedHidden(["/opt/m"], true)).toBe(true);
  });
});

describe("followStartOnLogin", () => {
  it("applies the setting at once and on each change, in order, never twice for the same value", async () => {
    let startOnLogin = false;
    const listeners: Array<() => void> = [];
    const core = {
      getSettings: () => ({ startOnLogin }),
      onPatch: (l: () => void) => (listeners.push(l), () => void listeners.splice(listeners.indexOf(l), 1)),
    };
    const applied: boolean[] = [];
    const errors: string[] = [];
    const stop = followStartOnLogin(
      core,
      async (on) => {
        applied.push(on);
        if (applied.length === 3) throw new Error("EACCES");
      },
      (m) => errors.push(m),
    );
    const patch = () => listeners.forEach((l) => l());
    patch();
    startOnLogin = true;
    patch();
    patch();
    startOnLogin = false;
    patch();
    await vi.waitFor(() => expect(applied).toEqual([false, true, false]));
    await vi.waitFor(() => expect(errors).toEqual(["start on login: EACCES"]));
    stop();
    startOnLogin = true;
    patch();
    await new Promise((r) => setTimeout(r, 10));
    expect(applied).toEqual([false, true, false]);
  });
});
