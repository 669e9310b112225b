import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src-main/cli/main.js";
import { commands } from "../../src-main/cli/commands/index.js";
import { Capture } from "../helpers/capture.js";

const SUBCOMMANDS = [
  "probe",
  "models",
  "download",
  "infer",
  "embed",
  "bench",
  "devnet",
  "dataset",
  "headless",
  "oracle",
  "router",
  "wallet",
  "verify",
];

async function cli(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout, stderr };
}

describe("pouw-miner CLI", () => {
  it("lists every subcommand in --help and exits 0", async () => {
    const { code, stdout } = await cli("--help");
    expect(code).toBe(0);
    for (const name of SUBCOMMANDS) expect(stdout.text).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  it("has --help for each subcommand", async () => {
    expect(commands.map((c) => c.name).sort()).toEqual([...SUBCOMMANDS].sort());
    for (const name of SUBCOMMANDS) {
      const { code, stdout } = await cli(name, "--help");
      expect(code, name).toBe(0);
      expect(stdout.text).toContain(`Usage: pouw-miner ${name}`);
    }
  });

  it("exits 2 with one line for an unknown command", async () => {
    const { code, stderr } = await cli("mine-bitcoin");
    expect(code).toBe(2);
    expect(stderr.text.trim().split("\n")).toHaveLength(1);
    expect(stderr.text).toContain('unknown command "mine-bitcoin"');
  });

  it("exits 2 for an unknown option, naming it", async () => {
    const { code, stderr } = await cli("infer", "--no-such-flag");
    expect(code).toBe(2);
    expect(stderr.text).toContain("--no-such-flag");
  });

  it("exits 2 and prints usage when run without a command", async () => {
    const { code, stdout } = await cli();
    expect(code).toBe(2);
    expect(stdout.text).toContain("Usage: pouw-miner <command>");
  });

  it("reports errors as a JSON line with --json", async () => {
    const { code, stdout } = await cli("wallet", "--bogus", "--json");
    expect(code).toBe(2);
    expect(stdout.jsonLines).toEqual([
      { type: "error", error: { code: "BAD_USAGE", message: expect.stringContaining("--bogus") } },
    ]);
  });

  it("runs as a real executable through the package bin", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["bin/pouw-miner.js", "--help"], {
      timeout: 30_000,
    });
    expect(stdout).toContain("Commands:");
  });
});
