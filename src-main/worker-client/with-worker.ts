import { WorkerSupervisor, type SupervisorOptions } from "./supervisor.js";

/**
 * Runs `fn` with a started worker and always stops it afterwards — for CLI commands, which own
 * their worker for the length of one command.
 */
export async function withWorker<T>(
  fn: (worker: WorkerSupervisor) => Promise<T>,
  options: SupervisorOptions = {},
): Promise<T> {
  const worker = new WorkerSupervisor(options);
  try {
    await worker.start();
    return await fn(worker);
  } finally {
    await worker.stop();
  }
}
