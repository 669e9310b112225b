import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { nodeForkLauncher } from "../../src-main/runtime/launcher.js";
import { childEnv, holdSecretEnv, PASSWORD_ENV, ROUTER_KEY_ENV, secretEnv } from "../../src-main/runtime/secret-env.js";

const SECRET = "correct horse battery staple";
let dir: string;
let entry: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pouw-secret-env-"));
  entry = path.join(dir, "echo-env.mjs");
  // A child that reports the environment it was started with, then ends.
  await writeFile(entry, "process.send(process.env, () => process.exit(0));\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env[PASSWORD_ENV];
  delete process.env[ROUTER_KEY_ENV];
});

function envOfChild(extra?: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const child = nodeForkLauncher.launch(entry, { serviceName: "echo", ...(extra ? { env: extra } : {}) });
  return new Promise((resolve) => child.onMessage((m) => resolve(m as NodeJS.ProcessEnv)));
}

describe("secrets in the environment", () => {
  it("never reach a child the launcher starts (workers, peers), while other variables do", async () => {
    process.env[PASSWORD_ENV] = SECRET;
    process.env[ROUTER_KEY_ENV] = "pouw-sk-secret";
    const env = await envOfChild({ POUW_TEST_MARK: "passed on", [PASSWORD_ENV]: SECRET });
    expect(env.POUW_TEST_MARK).toBe("passed on");
    expect(env.PATH).toBe(process.env.PATH);
    expect(env[PASSWORD_ENV]).toBeUndefined();
    expect(env[ROUTER_KEY_ENV]).toBeUndefined();
    expect(Object.values(env).join("\n")).not.toContain(SECRET);
  });

  it("are held in memory at start: gone from this process's environment, still readable by the CLI", () => {
    process.env[PASSWORD_ENV] = SECRET;
    holdSecretEnv(process.env, { [ROUTER_KEY_ENV]: "pouw-sk-from-bin", UNRELATED: "ignored" });
    expect(process.env[PASSWORD_ENV]).toBeUndefined();
    expect(secretEnv(PASSWORD_ENV)).toBe(SECRET);
    expect(secretEnv(ROUTER_KEY_ENV)).toBe("pouw-sk-from-bin");
    expect(secretEnv("UNRELATED")).toBeUndefined();
    expect(childEnv()[PASSWORD_ENV]).toBeUndefined();
    // An explicit environment (tests, embedders) is read as given.
    expect(secretEnv(PASSWORD_ENV, {})).toBeUndefined();
  });
});
