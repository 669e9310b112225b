import type { ScheduleWindow } from "../../src-shared/settings-schema.js";

const MINUTES_PER_DAY = 24 * 60;

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Whether local time `date` falls in any window. A window whose end is before its start runs past
 * midnight and belongs to the day it starts on (Fri 22:00–06:00 covers Saturday 03:00). An empty
 * schedule means "any time".
 */
export function inSchedule(windows: readonly ScheduleWindow[], date: Date): boolean {
  if (windows.length === 0) return true;
  const day = date.getDay();
  const minute = date.getHours() * 60 + date.getMinutes();
  return windows.some((w) => {
    const start = toMinutes(w.start);
    const end = toMinutes(w.end);
    if (start < end) return w.days.includes(day) && minute >= start && minute < end;
    const yesterday = (day + 6) % 7;
    return (w.days.includes(day) && minute >= start) || (w.days.includes(yesterday) && minute < end);
  });
}

/** The next moment (to the minute, within a week) at which mining is allowed, for "resumes at …". */
export function nextScheduledStart(windows: readonly ScheduleWindow[], from: Date): Date | undefined {
  if (windows.length === 0 || inSchedule(windows, from)) return from;
  const probe = new Date(from);
  probe.setSeconds(0, 0);
  for (let i = 1; i <= 7 * MINUTES_PER_DAY; i++) {
    probe.setMinutes(probe.getMinutes() + 1);
    if (inSchedule(windows, probe)) return new Date(probe);
  }
  return undefined;
}
