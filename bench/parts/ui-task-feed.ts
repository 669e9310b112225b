import type { AppSnapshot, PatchMessage, TaskSummary } from "../../src-shared/app-contract.js";
import { TASK_STATES } from "../../src-shared/pouw-states.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import type { MainCore } from "../../src-main/session/main-core.js";

/**
 * A busy miner as the dashboard sees it: the in-memory core's snapshot (mining) with a stream of
 * live-task changes, each one a patch: a task moves to its next PoUW state, or an ended one is
 * replaced by a new task. Everything else is the in-memory core's.
 */
export interface TaskFeed {
  core: MainCore;
  /** Sends `perSecond` task patches a second until stop(); returns at once. */
  start(perSecond: number): void;
  stop(): void;
  readonly sent: number;
}

const LIVE = 20;
const KEEP_ENDED = 30;
const MODEL = "0x" + "ab".repeat(32);

export function createTaskFeed(base: MainCore): TaskFeed {
  // The feed's own hub, carrying on the in-memory core's revision line.
  const first = base.getSnapshot();
  const hub = new SnapshotHub(
    { ...first.snapshot, mining: { state: "mining", reason: "Serving tasks (bench feed)" } },
    first.rev,
  );
  let nextTask = 1;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;

  const commit = (next: AppSnapshot) => {
    hub.update(() => next);
    sent += 1;
  };
  const newTask = (now: number): TaskSummary => {
    const id = `${nextTask++}#0`;
    return {
      id,
      stage: "Request",
      modelId: MODEL,
      kind: nextTask % 3 === 0 ? "background" : "user",
      updatedAt: now,
      states: [{ state: "Request", at: now }],
      deadlineAt: now + 60_000,
      rewardWei: "0",
    };
  };
  const step = () => {
    const now = Date.now();
    const snapshot = hub.current();
    const live = snapshot.tasks.filter((t) => t.stage !== "End");
    let tasks: TaskSummary[];
    let ended = false;
    if (live.length < LIVE) {
      tasks = [newTask(now), ...snapshot.tasks];
    } else {
      // Advance the live task that waited longest: every task walks Request → … → End in turn.
      const oldest = live.reduce((a, b) => (b.updatedAt < a.updatedAt ? b : a));
      const stage = TASK_STATES[TASK_STATES.indexOf(oldest.stage) + 1] ?? "End";
      ended = stage === "End";
      const { deadlineAt: _, ...rest } = oldest;
      const stamp = { state: stage, at: now, txHash: `0x${(sent + 1).toString(16).padStart(64, "0")}` };
      const moved: TaskSummary = ended
        ? {
            ...rest,
            stage,
            updatedAt: now,
            states: [...oldest.states, stamp],
            outcome: "Completed",
            rewardWei: "1000000000000000000",
          }
        : { ...rest, stage, updatedAt: now, states: [...oldest.states, stamp], deadlineAt: now + 60_000 };
      tasks = snapshot.tasks.map((t) => (t.id === oldest.id ? moved : t));
    }
    const drop = new Set(
      tasks
        .filter((t) => t.stage === "End")
        .map((t) => t.id)
        .slice(KEEP_ENDED),
    );
    const earnings = ended
      ? {
          ...snapshot.earnings,
          tasksCompleted: snapshot.earnings.tasksCompleted + 1,
          totalWei: (BigInt(snapshot.earnings.totalWei) + 10n ** 18n).toString(),
        }
      : snapshot.earnings;
    commit({ ...snapshot, tasks: tasks.filter((t) => !drop.has(t.id)), earnings });
  };

  const onPatch = (listener: (p: PatchMessage) => void) => hub.subscribe(listener);
  const core: MainCore = {
    ...base,
    getSnapshot: () => hub.message(),
    onPatch,
    // Patches are this feed's; samples and log lines stay the in-memory core's.
    subscribe: ((channel, listener) =>
      channel === "patch"
        ? onPatch(listener as (p: PatchMessage) => void)
        : base.subscribe(channel, listener)) as MainCore["subscribe"],
  };
  return {
    core,
    start(perSecond) {
      const t0 = performance.now();
      const due = () => Math.floor(((performance.now() - t0) / 1000) * perSecond);
      let done = 0;
      // Catch up to the schedule on every tick, so timer jitter does not lower the rate.
      timer = setInterval(
        () => {
          for (const n = due(); done < n; done++) step();
        },
        1000 / perSecond / 2,
      );
    },
    stop() {
      clearInterval(timer);
    },
    get sent() {
      return sent;
    },
  };
}
