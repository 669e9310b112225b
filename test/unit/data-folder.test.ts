import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appDataDir, defaultAppDataDir } from "../../src-main/paths.js";
import { POINTER_FILE, checkDataFolder, readDataFolderPointer } from "../../src-main/settings/data-folder-pointer.js";
import { openSettings } from "../../src-main/settings/store.js";
import { PouwError } from "../../src-shared/errors.js";

let tmp: string;
let env: NodeJS.ProcessEnv;
let defaultDir: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pouw-data-folder-"));
  env = { XDG_DATA_HOME: path.join(tmp, "xdg") };
  defaultDir = defaultAppDataDir(env, "linux");
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const writePointer = (text: string) => {
  fs.mkdirSync(defaultDir, { recursive: true });
  fs.writeFileSync(path.join(defaultDir, POINTER_FILE), text);
};
/** The error's one line, or "" when it did not throw. */
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PouwError);
    expect((err as PouwError).code).toBe("INVALID_PARAMS");
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  return "";
};
const open = (cwd: string, e = env) => openSettings({ cwd, env: e, platform: "linux" });

describe("data folder pointer", () => {
  it("appDataDir follows the pointer in the default folder; POUW_DATA_DIR still wins", () => {
    expect(appDataDir(env, "linux")).toBe(path.join(tmp, "xdg", "pouw-miner"));
    const chosen = path.join(tmp, "elsewhere");
    writePointer(JSON.stringify({ dataDir: chosen }));
    expect(appDataDir(env, "linux")).toBe(chosen);
    expect(appDataDir({ ...env, POUW_DATA_DIR: path.join(tmp, "env") }, "linux")).toBe(path.join(tmp, "env"));
  });

  it("ignores a pointer it cannot use and says why", () => {
    for (const [text, why] of [
      ["not json", /is not JSON$/],
      [JSON.stringify({ dataDir: "relative/dir" }), /does not name an absolute folder$/],
      [JSON.stringify({ folder: "/x" }), /does not name an absolute folder$/],
    ] as const) {
      writePointer(text);
      expect(appDataDir(env, "linux")).toBe(defaultDir);
      expect(readDataFolderPointer(defaultDir).problem).toMatch(why);
      expect(open(defaultDir).notices).toEqual([expect.stringMatching(/; using the default data folder$/)]);
    }
    fs.rmSync(path.join(defaultDir, POINTER_FILE));
    expect(readDataFolderPointer(defaultDir)).toEqual({});
  });

  it("checks a chosen folder: absolute, created, writable", () => {
    expect(refusal(() => checkDataFolder("data/pouw"))).toBe(
      'settings not saved: dataDir: use an absolute path, not "data/pouw"',
    );
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "");
    expect(refusal(() => checkDataFolder(path.join(file, "sub")))).toMatch(
      /^settings not saved: dataDir: .*a-file\/sub is not a writable folder \(ENOTDIR\)$/,
    );
    const fresh = path.join(tmp, "new", "deep");
    expect(checkDataFolder(`  ${fresh}/  `)).toBe(fresh);
    expect(fs.readdirSync(fresh)).toEqual([]);
  });
});

describe("the dataDir setting", () => {
  it("records the choice for the next start and shows it from the new folder too", () => {
    const store = open(appDataDir(env, "linux"));
    expect(store.get()).not.toHaveProperty("dataDir");
    const chosen = path.join(tmp, "chosen");
    expect(store.update({ dataDir: chosen }).dataDir).toBe(chosen);
    // Takes effect at the next start: this run keeps its folder, the next one resolves to the choice.
    expect(store.path).toBe(path.join(defaultDir, "settings.json"));
    expect(appDataDir(env, "linux")).toBe(chosen);
    const next = open(appDataDir(env, "linux"));
    expect(next.path).toBe(path.join(chosen, "settings.json"));
    expect(next.get().dataDir).toBe(chosen);
    // Back to the default: the pointer goes, and the default's own file no longer claims a folder.
    expect(next.update({ dataDir: null })).not.toHaveProperty("dataDir");
    expect(fs.existsSync(path.join(defaultDir, POINTER_FILE))).toBe(false);
    expect(appDataDir(env, "linux")).toBe(defaultDir);
    expect(open(defaultDir).get()).not.toHaveProperty("dataDir");
  });

  it("choosing the default folder by name removes the pointer", () => {
    const store = open(defaultDir);
    store.update({ dataDir: path.join(tmp, "x") });
    expect(store.update({ dataDir: defaultDir })).not.toHaveProperty("dataDir");
    expect(fs.existsSync(path.join(defaultDir, POINTER_FILE))).toBe(false);
  });

  it("refuses a bad folder in one line and changes nothing", () => {
    const store = open(defaultDir);
    const before = fs.readFileSync(store.path, "utf8");
    expect(refusal(() => store.update({ dataDir: "relative" }))).toMatch(
      /^settings not saved: dataDir: use an absolute path/,
    );
    expect(refusal(() => store.update({ dataDir: path.join(store.path, "sub") }))).toMatch(/is not a writable folder/);
    expect(fs.readFileSync(store.path, "utf8")).toBe(before);
    expect(fs.existsSync(path.join(defaultDir, POINTER_FILE))).toBe(false);
    expect(store.get()).not.toHaveProperty("dataDir");
  });

  it("in a folder set by POUW_DATA_DIR or --data-dir the setting is absent and changing it is refused", () => {
    const elsewhere = path.join(tmp, "flag");
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, "settings.json"), JSON.stringify({ schemaVersion: 3, dataDir: "/stale" }));
    for (const store of [open(elsewhere), open(elsewhere, { ...env, POUW_DATA_DIR: elsewhere })]) {
      expect(store.get()).not.toHaveProperty("dataDir");
      expect(refusal(() => store.update({ dataDir: path.join(tmp, "y") }))).toMatch(
        /set by POUW_DATA_DIR or --data-dir/,
      );
      expect(store.update({ idleMinutes: 9 }).idleMinutes).toBe(9);
    }
    expect(fs.existsSync(path.join(defaultDir, POINTER_FILE))).toBe(false);
  });
});
