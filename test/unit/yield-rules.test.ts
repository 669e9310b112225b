import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { nvidiaGpuProcesses, polledActivitySource } from "../../src-main/desktop/activity-source.js";
import { parsePmon } from "../../src-main/desktop/nvidia-pmon.js";
import { MiningGateRunner } from "../../src-main/miner/mining-gate-runner.js";
import { miningGate, type GateDecision } from "../../src-main/scheduler/mining-gate.js";
import { programKey, yieldReason, type ActivitySnapshot } from "../../src-main/scheduler/yield-rules.js";

const game: ActivitySnapshot = { fullscreenApp: "Elden Ring" };

describe("yielding to the user: the pure decision", () => {
  it("names a fullscreen program, another process busy on the GPU, and a listed program in words", () => {
    expect(yieldReason({}, game)).toEqual({
      code: "FULLSCREEN_APP",
      reason: "paused: Elden Ring is running full screen",
    });
    expect(
      yieldReason({}, { gpuProcesses: [{ pid: 7, name: "C:\\Games\\Cyberpunk2077.exe", gpuPercent: 91 }] }),
    ).toEqual({
      code: "GPU_BUSY",
      reason: "paused: cyberpunk2077 is using the GPU (91%)",
    });
    expect(yieldReason({ pauseForPrograms: ["Blender.exe"] }, { runningPrograms: ["/usr/bin/blender"] })).toEqual({
      code: "USER_PROGRAM",
      reason: "paused: blender is running (on your list of programs to make way for)",
    });
  });

  it("puts the user's own list first, then fullscreen, then the GPU", () => {
    const all: ActivitySnapshot = {
      ...game,
      gpuProcesses: [{ pid: 7, name: "game", gpuPercent: 99 }],
      runningPrograms: ["obs64.exe"],
    };
    expect(yieldReason({ pauseForPrograms: ["obs64"] }, all)?.code).toBe("USER_PROGRAM");
    expect(yieldReason({}, all)?.code).toBe("FULLSCREEN_APP");
    expect(yieldReason({ pauseOnFullscreen: false }, all)?.code).toBe("GPU_BUSY");
    expect(yieldReason({ pauseOnFullscreen: false, pauseOnGpuBusy: false }, all)).toBeUndefined();
  });

  it("ignores this app's own worker, light GPU use and readings the driver does not give", () => {
    const seen: ActivitySnapshot = {
      gpuProcesses: [
        { pid: 1, name: "pouw-worker", gpuPercent: 100 },
        { pid: 2, name: "firefox", gpuPercent: 12 },
        { pid: 3, name: "mystery" },
      ],
    };
    expect(yieldReason({}, seen, new Set([1]))).toBeUndefined();
    expect(yieldReason({ gpuBusyPercent: 10 }, seen, new Set([1]))?.reason).toBe(
      "paused: firefox is using the GPU (12%)",
    );
    expect(yieldReason({}, {})).toBeUndefined();
    expect(yieldReason({ pauseForPrograms: [" ", ""] }, { runningPrograms: [""] })).toBeUndefined();
  });

  it("compares program names by base name, without .exe, in any case", () => {
    expect(programKey("C:\\Program Files\\Steam\\STEAM.EXE")).toBe("steam");
    expect(programKey("/Applications/Final Cut Pro.app")).toBe("final cut pro");
    expect(programKey("obs")).toBe("obs");
  });

  it("closes the mining gate with the reason, after the schedule and battery rules", () => {
    const settings = { idleOnly: false, idleMinutes: 5, schedule: [] };
    const now = new Date(2026, 10, 25, 12, 0);
    expect(miningGate(settings, 0, now, false, game)).toEqual({
      allowed: false,
      code: "FULLSCREEN_APP",
      reason: "paused: Elden Ring is running full screen",
    });
    expect(miningGate(settings, 0, now, true, game)).toMatchObject({ code: "ON_BATTERY" });
    expect(miningGate({ ...settings, pauseOnFullscreen: false }, 0, now, false, game)).toEqual({
      allowed: true,
      reason: "mining",
    });
  });
});

describe("nvidia-smi pmon", () => {
  const sample = [
    "# gpu         pid   type     sm    mem    enc    dec    command",
    "# Idx           #    C/G      %      %      %      %    name",
    "    0       4242     G     87     40      -      -    Cyberpunk2077.exe",
    "    0       1000     C      5      2      -      -    pouw worker",
    "    1       4242     G     12      3      -      -    Cyberpunk2077.exe",
    "    0          -     -      -      -      -      -    -",
    "    0       5151     C      -      -      -      -    python",
  ].join("\n");

  it("reads each process's GPU share by the columns its header names, busiest GPU per pid", () => {
    expect(parsePmon(sample)).toEqual([
      { pid: 4242, name: "Cyberpunk2077.exe", gpuPercent: 87 },
      { pid: 1000, name: "pouw worker", gpuPercent: 5 },
      { pid: 5151, name: "python" },
    ]);
  });

  it("gives nothing for output it does not recognise", () => {
    expect(parsePmon("")).toEqual([]);
    expect(parsePmon("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")).toEqual([]);
  });
});

describe("the gate runner with an activity source", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2026, 10, 25, 12, 0));
  });
  afterEach(() => vi.useRealTimers());

  it("pauses at the probe's reading and resumes when the program leaves", () => {
    let seen: ActivitySnapshot = {};
    let notify: (() => void) | undefined;
    const runner = new MiningGateRunner({
      settings: () => ({ idleOnly: false, idleMinutes: 5, schedule: [] }),
      idleSource: { idleSeconds: () => 0 },
      activitySource: {
        current: () => seen,
        ownPids: () => new Set([1000]),
        watch: (l) => ((notify = l), () => (notify = undefined)),
      },
      intervalMs: 60_000,
    });
    const decisions: GateDecision[] = [];
    runner.listen((d) => decisions.push(d));
    runner.start();
    expect(runner.current().allowed).toBe(true);
    seen = {
      gpuProcesses: parsePmon(
        "# gpu pid type sm mem enc dec command\n 0 4242 G 87 40 - - game.exe\n 0 1000 C 99 9 - - worker",
      ),
    };
    notify?.();
    expect(decisions).toEqual([{ allowed: false, code: "GPU_BUSY", reason: "paused: game is using the GPU (87%)" }]);
    seen = {};
    vi.advanceTimersByTime(60_000);
    expect(decisions.at(-1)).toEqual({ allowed: true, reason: "mining" });
    runner.stop();
    expect(notify).toBeUndefined();
  });
});

describe("the polled activity source", () => {
  it("serves the last reading at once, tells watchers of a change, and treats a failing probe as 'cannot tell'", async () => {
    let gpu: { pid: number; name: string; gpuPercent?: number }[] | undefined = [];
    let programsAsked = 0;
    const source = polledActivitySource({
      probes: {
        gpuProcesses: async () => gpu,
        runningPrograms: async () => (programsAsked++, ["steam.exe"]),
        fullscreenApp: async () => {
          throw new Error("no such probe here");
        },
      },
      programsEvery: 3,
      ownPids: () => new Set([5]),
      intervalMs: 3_600_000,
    });
    expect(source.current()).toEqual({});
    const changes: ActivitySnapshot[] = [];
    const stop = source.watch!(() => changes.push(source.current()));
    await vi.waitFor(() => expect(changes).toEqual([{ gpuProcesses: [], runningPrograms: ["steam.exe"] }]));
    expect(programsAsked).toBe(1);
    gpu = [{ pid: 9, name: "game", gpuPercent: 80 }];
    await source.poll();
    expect(changes.at(-1)).toEqual({
      gpuProcesses: [{ pid: 9, name: "game", gpuPercent: 80 }],
      runningPrograms: ["steam.exe"],
    });
    await source.poll();
    expect(changes).toHaveLength(2);
    // The process list is read again on the third poll only, and kept in between.
    expect(programsAsked).toBe(1);
    gpu = undefined;
    await source.poll();
    expect(programsAsked).toBe(2);
    expect(source.current()).toEqual({ runningPrograms: ["steam.exe"] });
    expect([...source.ownPids!()]).toEqual([5]);
    stop();
  });

  it("asks nvidia-smi for per-process use and stops asking once it is missing", async () => {
    const calls: string[][] = [];
    const probe = nvidiaGpuProcesses(async (cmd, args) => {
      calls.push([cmd, ...args]);
      throw Object.assign(new Error("spawn nvidia-smi ENOENT"), { code: "ENOENT" });
    });
    expect(await probe()).toBeUndefined();
    expect(await probe()).toBeUndefined();
    expect(calls).toEqual([["nvidia-smi", "pmon", "-c", "1", "-s", "u"]]);
    const ok = nvidiaGpuProcesses(async () => "# gpu pid type sm mem enc dec command\n 0 77 G 55 1 - - game");
    expect(await ok()).toEqual([{ pid: 77, name: "game", gpuPercent: 55 }]);
  });
});
