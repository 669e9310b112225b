import { readFile } from "node:fs/promises";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectProtocol } from "../../src-main/chain/contracts.js";
import { readSlots } from "../../src-main/chain/task-views.js";
import type { MinerCore } from "../helpers/miner-core.js";
import { FakeInference } from "../helpers/fake-inference.js";
import type { Inference } from "../../src-main/miner/inference.js";
import { requestTask, scoreWhenRevealed, type DevnetView } from "./devnet-tasks.js";
import { openCoreOnDevnet, type CoreOnDevnet } from "./core-on-devnet.js";
import { waitFor } from "./miner-harness.js";

// The mining gate wired into the real core: an injected idle source plays the user.
let core: MinerCore;
let provider: JsonRpcProvider;
let net: DevnetView;
let idleSeconds = 0;
/** Set by a test: runs when a generation starts (the user coming back mid-task). */
let onGenerate: (() => void) | undefined;
const fake = new FakeInference();
const inference: Inference = {
  generate: (req, signal) => {
    onGenerate?.();
    return fake.generate(req, signal);
  },
};

let env: CoreOnDevnet | undefined;

beforeAll(async () => {
  env = await openCoreOnDevnet("pouw-gate-core-", {
    inference,
    idleSource: { idleSeconds: () => idleSeconds },
    gateIntervalMs: 100,
  });
  ({ core, provider, net } = env);
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const mining = () => core.getSnapshot().snapshot.mining;
const slotStatus = async (taskId: bigint) =>
  (await readSlots(connectProtocol(net.deployment, provider).tasks, taskId, 1))[0]?.status;
const journaled = async (taskId: bigint) =>
  (await readFile(path.join(core.network.networkDir, "journal.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { taskId: string; action: string })
    .filter((r) => r.taskId === taskId.toString())
    .map((r) => r.action);
const ended = (taskId: bigint) =>
  core.getSnapshot().snapshot.tasks.some((t) => t.id === `${taskId}#0` && t.stage === "End");

describe("the mining gate in the miner core", () => {
  it("pauses with the reason when idle-only mode is turned on while the user is active", async () => {
    expect(mining().state).toBe("mining");
    await core.updateSettings({ idleOnly: true, idleMinutes: 1 });
    expect(mining()).toEqual({
      state: "paused",
      reason: "paused: you are using this computer (mining starts after 1 min idle)",
    });
  });

  it("holds a new assignment un-acked while paused, and acks and finishes it once the user is away", async () => {
    const taskId = await requestTask(net, core.modelId);
    // The assignment is seen (and journaled) but not answered while paused.
    await waitFor(
      "the engine to journal the assignment",
      async () => (await journaled(taskId)).includes("assigned"),
      5_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await journaled(taskId)).toEqual(["assigned"]);
    expect(await slotStatus(taskId)).toBe("Assigned");
    expect(fake.calls).toBe(0);
    expect(mining().state).toBe("paused");

    idleSeconds = 120;
    await waitFor("mining to resume", () => mining().state === "mining", 2_000);
    expect(mining().reason).toMatch(/^Serving /);
    await scoreWhenRevealed(net, taskId, core.address);
    await waitFor(`task ${taskId} to reach End`, () => ended(taskId), 20_000);
    expect(fake.calls).toBe(1);
  });

  it("finishes a task already acked when the user comes back during its inference", async () => {
    onGenerate = () => {
      idleSeconds = 0;
    };
    const taskId = await requestTask(net, core.modelId);
    await waitFor("the pause after the user came back", () => mining().state === "paused", 5_000);
    await scoreWhenRevealed(net, taskId, core.address);
    await waitFor(`task ${taskId} to reach End while paused`, () => ended(taskId), 20_000);
    expect(mining().state).toBe("paused");
    onGenerate = undefined;
  });

  it("a user's stop is not overridden by the gate, and turning idle-only off resumes mining", async () => {
    await core.stopMining();
    idleSeconds = 1_000;
    await new Promise((r) => setTimeout(r, 300));
    expect(mining().state).toBe("stopped");
    idleSeconds = 0;
    await core.startMining();
    expect(mining().state).toBe("paused");
    await core.updateSettings({ idleOnly: false });
    expect(mining().state).toBe("mining");
  });
});
