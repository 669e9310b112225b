import { TaskQueue, type QueuedTask } from "../scheduler/task-queue.js";

/** All generations share one worker and its one loaded model. */
const WORKER = "worker";

/**
 * Generations wait in one line and run one at a time, user tasks before background ones, then by
 * priority and nearest deadline (scheduler/task-queue.ts), rather than in the order events came.
 */
export class InferenceLine {
  private readonly queue = new TaskQueue();
  private readonly jobs = new Map<string, () => Promise<void>>();

  run<T>(task: Omit<QueuedTask, "modelId">, fn: () => Promise<T>): Promise<T> {
    // A task's steps run one at a time, so a second generation for it is a bug upstream.
    if (this.queue.has(task.taskId))
      return Promise.reject(new Error(`generation for ${task.taskId} is already queued`));
    return new Promise<T>((resolve, reject) => {
      this.jobs.set(task.taskId, () => fn().then(resolve, reject));
      this.queue.add({ ...task, modelId: WORKER });
      this.pump();
    });
  }

  private pump(): void {
    for (let next = this.queue.next(); next; next = this.queue.next()) {
      const id = next.taskId;
      const job = this.jobs.get(id);
      this.jobs.delete(id);
      void (job ?? (async () => undefined))().finally(() => {
        this.queue.done(id);
        this.pump();
      });
    }
  }
}
