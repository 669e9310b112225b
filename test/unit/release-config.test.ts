import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { register } from "node:module";
import { Ajv, type ErrorObject } from "ajv";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";

// @actions/workflow-parser imports its schema JSON without `with { type: "json" }`, which only
// bundlers accept; Node refuses it. This load hook adds the attribute for that package's JSON alone.
register(
  "data:text/javascript," +
    encodeURIComponent(
      "export async function load(url, context, next) {" +
        " const json = url.includes('/@actions/workflow-parser/') && url.endsWith('.json');" +
        " return next(url, json ? { ...context, importAttributes: { type: 'json' } } : context); }",
    ),
);
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import("@actions/workflow-parser");

// The release pipeline (docs/release.md) is only exercised on GitHub's runners, so a mistake in the
// workflow or in electron-builder.yml would first show up on a release day. These checks run both
// files through the validators GitHub and electron-builder use, and pin what the pipeline promises.

const workflowText = fs.readFileSync(path.resolve(".github/workflows/release.yml"), "utf8");
const builderConfig = load(fs.readFileSync(path.resolve("electron-builder.yml"), "utf8")) as BuilderConfig;

interface BuilderConfig {
  publish: { provider: string; owner: string; repo: string; releaseType: string };
  [platform: string]: unknown;
}
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push: { tags: string[] }; workflow_dispatch: unknown };
  jobs: Record<
    string,
    { needs?: string; "runs-on": string; strategy?: { matrix: { include: MatrixEntry[] } }; steps: Step[] }
  >;
}
interface MatrixEntry {
  name: string;
  os: string;
  platform: string;
  arch: string;
}
const workflow = load(workflowText) as Workflow;
const build = workflow.jobs.build!;

/** Errors from GitHub's workflow parser: schema (parseWorkflow), then the model (convertWorkflowTemplate). */
async function workflowErrors(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: "release.yml", content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (errors.length > 0 || parsed.value === undefined) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((error) => error.Message);
}

describe("release workflow", () => {
  it("passes GitHub's workflow parser with no errors", async () => {
    expect(await workflowErrors(workflowText)).toEqual([]);
  });

  it("the parser does report an unknown key and a job without runs-on", async () => {
    const broken = "on: push\njobs:\n  build:\n    steps:\n      - run: echo hi\n    timeout: 5\n";
    const errors = await workflowErrors(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Unexpected value 'timeout'/),
        expect.stringMatching(/Required property is missing: runs-on/),
      ]),
    );
  });

  it("runs on v* tags and by hand", async () => {
    const parsed = parseWorkflow({ name: "release.yml", content: workflowText }, new NoOperationTraceWriter());
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.events.push?.tags).toEqual(["v*"]);
    expect(template.events.workflow_dispatch).toBeDefined();
    expect(Object.keys(template.events).sort()).toEqual(["push", "workflow_dispatch"]);
  });

  it("builds each platform on a native runner of the arch electron-builder.yml targets", () => {
    // What GitHub's hosted runner labels are (docs.github.com, "GitHub-hosted runners").
    const runnerArch: Record<string, string> = {
      "windows-latest": "x64",
      "macos-14": "arm64",
      "ubuntu-22.04": "x64",
      "ubuntu-24.04": "x64",
    };
    const include = build.strategy!.matrix.include;
    expect(build["runs-on"]).toBe("${{ matrix.os }}");
    expect(include.map((entry) => entry.platform).sort()).toEqual(["linux", "mac", "win"]);
    for (const entry of include) {
      expect(runnerArch[entry.os], `${entry.name} runs on ${entry.os}`).toBe(entry.arch);
      const targets = (builderConfig[entry.platform] as { target: { arch: string[] }[] }).target;
      for (const target of targets) expect(target.arch, `${entry.platform} targets`).toEqual([entry.arch]);
    }
  });

  it("builds with Node 20 and npm ci, then packages only the host platform and uploads the update files", () => {
    expect(build.needs).toBe("draft");
    const step = (match: (s: Step) => boolean) => build.steps.findIndex(match);
    const setupNode = build.steps[step((s) => s.uses?.startsWith("actions/setup-node@") ?? false)]!;
    expect(String(setupNode.with?.["node-version"])).toBe("20");
    const ci = step((s) => s.run === "npm ci");
    const compile = step((s) => s.run === "npm run build");
    const packageIndex = step((s) => s.run?.startsWith("npx electron-builder ") ?? false);
    expect(0 < ci && ci < compile && compile < packageIndex).toBe(true);
    const pack = build.steps[packageIndex]!;
    expect(pack.run).toContain("--config electron-builder.yml");
    expect(pack.run).toContain('"--$PLATFORM"');
    expect(pack.run).toContain('--publish "$PUBLISH"');
    expect(pack.env).toMatchObject({
      PLATFORM: "${{ matrix.platform }}",
      PUBLISH: "${{ needs.draft.outputs.publish }}",
    });
    const upload = build.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(String(upload.with?.path).split("\n")).toEqual(
      expect.arrayContaining(["out/*.exe", "out/*.dmg", "out/*.AppImage", "out/*.deb", "out/latest*.yml"]),
    );
  });

  it("maps every secret to the environment variable electron-builder reads under the same name", () => {
    // The names electron-builder's own code reads (process.env.X, or "X" for WIN_CSC_LINK), so a
    // renamed or misspelled variable fails here rather than silently producing an unsigned build.
    const sources = ["node_modules/app-builder-lib/out", "node_modules/electron-publish/out"]
      .flatMap((dir) => fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((file) => path.join(dir, file)))
      .filter((file) => file.endsWith(".js"))
      .map((file) => fs.readFileSync(file, "utf8"))
      .join("\n");
    const readByBuilder = (name: string) => new RegExp(`process\\.env\\.${name}\\b|["']${name}["']`).test(sources);

    const mapped = new Map<string, string>();
    const visit = (node: unknown, trail: string[]): void => {
      if (typeof node === "string" && node.includes("secrets.")) {
        const where = trail.join(".");
        expect(trail.at(-2), `${where}: secrets only in env maps`).toBe("env");
        const secret = /^\$\{\{ secrets\.(\w+) \}\}$/.exec(node)?.[1];
        expect(secret, `${where}: the whole value is one secret`).toBeDefined();
        const name = trail.at(-1)!;
        // GITHUB_TOKEN is GitHub's own; electron-builder (and gh) read it as GH_TOKEN.
        expect(name, where).toBe(secret === "GITHUB_TOKEN" ? "GH_TOKEN" : secret);
        expect(readByBuilder(name), `electron-builder reads ${name}`).toBe(true);
        mapped.set(secret!, name);
      } else if (node !== null && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) visit(value, [...trail, key]);
      }
    };
    visit(workflow, []);
    expect([...mapped.keys()].sort()).toEqual(
      [
        "APPLE_API_ISSUER",
        "APPLE_API_KEY",
        "APPLE_API_KEY_ID",
        "APPLE_APP_SPECIFIC_PASSWORD",
        "APPLE_ID",
        "APPLE_TEAM_ID",
        "CSC_KEY_PASSWORD",
        "CSC_LINK",
        "GITHUB_TOKEN",
        "WIN_CSC_KEY_PASSWORD",
        "WIN_CSC_LINK",
      ].sort(),
    );
    expect(readByBuilder("CSC_IDENTITY_AUTO_DISCOVERY")).toBe(true);
  });

  describe.skipIf(process.platform === "win32")("the credentials step (run with bash)", () => {
    const script = build.steps.find((s) => s.name === "Signing and notarization credentials")!.run!;

    /** Runs the step as GitHub would (absent secrets are ""); returns what it put into $GITHUB_ENV. */
    function credentials(
      platform: string,
      secrets: Record<string, string>,
    ): { env: Record<string, string>; temp: string } {
      const temp = fs.mkdtempSync(path.join(os.tmpdir(), "release-env-"));
      const githubEnv = path.join(temp, "github-env");
      const names = Object.keys(build.steps.find((s) => s.name === "Signing and notarization credentials")!.env!);
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", GITHUB_ENV: githubEnv, RUNNER_TEMP: temp };
      for (const name of names) env[name] = secrets[name] ?? "";
      env.PLATFORM = platform;
      const result = spawnSync("bash", ["-c", script], { env, encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
      const out: Record<string, string> = {};
      const text = fs.existsSync(githubEnv) ? fs.readFileSync(githubEnv, "utf8") : "";
      // GitHub's multi-line form: NAME<<DELIMITER, the value's lines, DELIMITER.
      for (const match of text.matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[match[1]!] = match[3]!;
      return { env: out, temp };
    }

    it("without secrets every platform builds unsigned", () => {
      for (const platform of ["mac", "win", "linux"]) {
        expect(credentials(platform, {}).env, platform).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: "false" });
      }
    });

    it("macOS gets its certificate and notarization, the API key as a file, and no Windows certificate", () => {
      const key = "-----BEGIN PRIVATE KEY-----\nMIGT\n-----END PRIVATE KEY-----";
      const secrets = {
        CSC_LINK: "MIIK\nbase64 wrapped at 76",
        CSC_KEY_PASSWORD: "p12 password",
        APPLE_API_KEY: key,
        APPLE_API_KEY_ID: "T9GPZ92M7K",
        APPLE_API_ISSUER: "c055ca8c-e5a8-4836-b61d-aa5794eeb3f4",
        WIN_CSC_LINK: "windows pfx",
      };
      const { env, temp } = credentials("mac", secrets);
      expect(env).toEqual({
        CSC_LINK: secrets.CSC_LINK,
        CSC_KEY_PASSWORD: secrets.CSC_KEY_PASSWORD,
        APPLE_API_KEY: path.join(temp, "apple-api-key.p8"),
        APPLE_API_KEY_ID: secrets.APPLE_API_KEY_ID,
        APPLE_API_ISSUER: secrets.APPLE_API_ISSUER,
      });
      expect(fs.readFileSync(env.APPLE_API_KEY!, "utf8")).toBe(`${key}\n`);
    });

    it("Windows signs only with WIN_CSC_LINK, never with the Apple certificate", () => {
      expect(credentials("win", { CSC_LINK: "apple p12", CSC_KEY_PASSWORD: "x" }).env).toEqual({
        CSC_IDENTITY_AUTO_DISCOVERY: "false",
      });
      expect(
        credentials("win", { WIN_CSC_LINK: "pfx", WIN_CSC_KEY_PASSWORD: "pw", CSC_LINK: "apple p12" }).env,
      ).toEqual({
        WIN_CSC_LINK: "pfx",
        WIN_CSC_KEY_PASSWORD: "pw",
      });
    });
  });
});

// electron-builder validates its configuration with ajv against this file before building
// (app-builder-lib/out/util/config/schemaValidator.js); the same options are used here.
const scheme = JSON.parse(fs.readFileSync(path.resolve("node_modules/app-builder-lib/scheme.json"), "utf8")) as object;
const validateBuilder = new Ajv({ allErrors: true, strict: false, coerceTypes: true }).compile(scheme);

/**
 * Schema errors as "path: problem", most specific first. Where the schema offers alternatives
 * (anyOf: each publish provider, a target as a string or an object) every alternative's complaint
 * is listed; the one about the key actually written is among them.
 */
function builderErrors(config: unknown): string[] {
  if (validateBuilder(structuredClone(config))) return [];
  const lines = (validateBuilder.errors ?? [])
    .filter((error) => !["anyOf", "oneOf", "if"].includes(error.keyword))
    .map((error: ErrorObject) => {
      const extra = error.keyword === "additionalProperties" ? `/${String(error.params.additionalProperty)}` : "";
      return {
        at: `${error.instancePath}${extra}` || "/",
        problem: extra ? "unknown key" : (error.message ?? error.keyword),
      };
    });
  // A complaint about a section is noise when something inside it is named.
  const specific = lines.filter((line) => !lines.some((other) => other.at.startsWith(`${line.at}/`)));
  return [...new Set(specific.map((line) => `${line.at}: ${line.problem}`))].sort();
}

describe("electron-builder.yml against electron-builder's scheme.json", () => {
  it("has no schema errors", () => {
    expect(builderErrors(builderConfig)).toEqual([]);
  });

  it("reports a misspelled key and a wrong type with their exact paths", () => {
    expect(builderErrors({ ...builderConfig, nsiss: { oneClick: true } })).toEqual(["/nsiss: unknown key"]);
    const nsis = builderConfig.nsis as object;
    expect(builderErrors({ ...builderConfig, nsis: { ...nsis, oneClick: "sometimes" } })).toEqual([
      "/nsis/oneClick: must be boolean",
    ]);
    expect(builderErrors({ ...builderConfig, publish: { ...builderConfig.publish, releseType: "draft" } })).toContain(
      "/publish/releseType: unknown key",
    );
  });

  it("publishes drafts to a GitHub repository, which the installed app's updater then reads", () => {
    expect(builderConfig.publish).toEqual({
      provider: "github",
      owner: expect.stringMatching(/\S/),
      repo: expect.stringMatching(/\S/),
      releaseType: "draft",
    });
    // notarize: false would switch notarization off even when the APPLE_* secrets are set.
    expect((builderConfig.mac as { notarize?: boolean }).notarize).not.toBe(false);
  });
});
