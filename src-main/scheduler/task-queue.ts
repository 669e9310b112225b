/** A task waiting for the model it needs. */
export interface QueuedTask {
  taskId: string;
  modelId: string;
  /** User-paid tasks come before network background tasks. */
  background: boolean;
  /** Higher first, among tasks of the same kind. */
  priority: number;
  /** Unix seconds; earlier first among equals. */
  deadline: number;
}

/** Orders waiting tasks: user before background, then priority, then the nearest deadline. */
export function compareTasks(a: QueuedTask, b: QueuedTask): number {
  if (a.background !== b.background) return a.background ? 1 : -1;
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.deadline !== b.deadline) return a.deadline - b.deadline;
  return a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0;
}

/**
 * One running task per loaded model, the rest waiting in order. Adding a task twice is a no-op,
 * because chain events may be delivered more than once.
 */
export class TaskQueue {
  private waiting: QueuedTask[] = [];
  private running = new Map<string, QueuedTask>();

  add(task: QueuedTask): boolean {
    if (this.has(task.taskId)) return false;
    this.waiting.push(task);
    this.waiting.sort(compareTasks);
    return true;
  }

  has(taskId: string): boolean {
    return this.waiting.some((t) => t.taskId === taskId) || [...this.running.values()].some((t) => t.taskId === taskId);
  }

  /** The next task to start whose model is free, marked running; undefined if none. */
  next(): QueuedTask | undefined {
    const index = this.waiting.findIndex((t) => !this.running.has(t.modelId));
    if (index < 0) return undefined;
    const [task] = this.waiting.splice(index, 1);
    this.running.set(task!.modelId, task!);
    return task;
  }

  /** Marks a task finished (or dropped) and frees its model. */
  done(taskId: string): void {
    this.waiting = this.waiting.filter((t) => t.taskId !== taskId);
    for (const [model, t] of this.running) if (t.taskId === taskId) this.running.delete(model);
  }

  /** Drops waiting tasks that can no longer finish (e.g. the user came back); returns them. */
  dropWaiting(predicate: (t: QueuedTask) => boolean): QueuedTask[] {
    const dropped = this.waiting.filter(predicate);
    this.waiting = this.waiting.filter((t) => !predicate(t));
    return dropped;
  }

  snapshot(): { waiting: QueuedTask[]; running: QueuedTask[] } {
    return { waiting: [...this.waiting], running: [...this.running.values()] };
  }
}
