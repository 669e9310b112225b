/**
 * Task ids as the miner names them: `<taskId>#<slot>`. A creator's work on a background task is not
 * a slot of its own; it is kept under CREATOR_SLOT (above any slot a task can have).
 */
export const CREATOR_SLOT = 255;

export function parseTaskSlotId(id: string): { taskId: string; slot: number } | undefined {
  const match = /^(\d+)#(\d+)$/.exec(id);
  if (!match) return undefined;
  return { taskId: match[1]!, slot: Number(match[2]) };
}

/** How a person reads a task id: "16 · creator" for the creator's share, the id itself otherwise. */
export function taskIdLabel(id: string): string {
  const parsed = parseTaskSlotId(id);
  return parsed?.slot === CREATOR_SLOT ? `${parsed.taskId} · creator` : id;
}
