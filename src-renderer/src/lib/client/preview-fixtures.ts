import type {
  Earnings,
  HardwareReport,
  LiveSample,
  ModelListEntry,
  TaskDetail,
  TaskSummary,
} from "../../../../src-shared/app-views.js";
import { TASK_STATES, type TaskState } from "../../../../src-shared/pouw-states.js";

/**
 * Plausible views for component tests and UI previews, next to previewSnapshot. Values are chosen to
 * be recognisable in assertions (1.5 POUW, 42 tokens/s), not to model a real miner.
 */
const E18 = 10n ** 18n;
export const wei = (tokens: number): string => ((BigInt(Math.round(tokens * 1e6)) * E18) / 1_000_000n).toString();

export function previewTask(id: string, stage: TaskState, overrides: Partial<TaskSummary> = {}): TaskSummary {
  const at = 1_700_000_000_000;
  const upTo = TASK_STATES.indexOf(stage);
  return {
    id,
    stage,
    modelId: "tiny-test",
    updatedAt: at + upTo * 1000,
    kind: "user",
    states: TASK_STATES.slice(0, upTo + 1).map((state, i) => ({
      state,
      at: at + i * 1000,
      txHash: `0x${String(i).repeat(64)}`,
    })),
    rewardWei: "0",
    ...overrides,
  };
}

export function previewTaskDetail(id: string, overrides: Partial<TaskDetail> = {}): TaskDetail {
  return {
    ...previewTask(id, "End", { outcome: "Completed", rewardWei: wei(1.5), tokens: 64 }),
    priority: 0,
    promptPreview: "Once upon a time",
    outputPreview: "there was a tiny model",
    inferenceMs: 1200,
    poiScoreBps: 9_800,
    gasSpentWei: wei(0.002),
    ...overrides,
  };
}

export function previewEarnings(overrides: Partial<Earnings> = {}): Earnings {
  const period = (user: number, network: number, tasks: number) => ({
    userWei: wei(user),
    backgroundWei: wei(network),
    gasWei: wei(0.001 * tasks),
    tasks,
  });
  return {
    totalWei: wei(12),
    sessionWei: wei(2),
    tasksCompleted: 9,
    today: period(1.5, 0.5, 2),
    week: period(6, 2, 6),
    month: period(9, 3, 9),
    projectedDailyWei: wei(3),
    hourly: [0, 1, 2].map((h) => ({ start: 1_700_000_000_000 + h * 3_600_000, ...period(h, 0.5, 1) })),
    daily: [],
    ...overrides,
  };
}

export function previewSample(at: number, overrides: Partial<LiveSample> = {}): LiveSample {
  return {
    at,
    cpuPercent: 37,
    ramUsedBytes: 6 * 1024 ** 3,
    ramTotalBytes: 16 * 1024 ** 3,
    temperatureC: 61,
    tokensPerSecond: 42,
    ...overrides,
  };
}

export function previewModels(): ModelListEntry[] {
  return [
    {
      id: "tiny-test",
      name: "Tiny Test",
      installed: true,
      active: true,
      role: "chat",
      sizeBytes: 1_000_000,
      fit: "cpu",
      fitReason: "no usable GPU",
      recommended: true,
    },
    {
      id: "qwen-small",
      name: "Qwen Small",
      installed: false,
      active: false,
      role: "chat",
      sizeBytes: 400 * 1024 ** 2,
      fit: "cpu",
      fitReason: "no usable GPU",
    },
    {
      id: "llama-huge",
      name: "Llama Huge",
      installed: false,
      active: false,
      role: "chat",
      sizeBytes: 40 * 1024 ** 3,
      fit: "too-large",
      fitReason: "needs 48 GiB RAM",
    },
  ];
}

export function previewHardware(): HardwareReport {
  return {
    probe: {
      gpus: [],
      backend: "cpu",
      cpu: { brand: "Test CPU 9000", physicalCores: 4, logicalCores: 8 },
      memory: { totalBytes: 16 * 1024 ** 3, freeBytes: 8 * 1024 ** 3 },
      os: { platform: "linux", arch: "x64", release: "6.1" },
      errors: [],
    },
    fit: [
      { id: "tiny-test", fit: "cpu", reason: "no usable GPU; needs 2 MiB RAM with headroom" },
      { id: "qwen-small", fit: "cpu", reason: "no usable GPU; needs 1.0 GiB RAM with headroom" },
      { id: "llama-huge", fit: "too-large", reason: "needs 48 GiB RAM with headroom, only 8 GiB RAM free" },
    ],
    recommended: "qwen-small",
  };
}
