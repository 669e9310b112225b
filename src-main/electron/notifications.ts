import type { NotificationConstructorOptions } from "electron";
import { type Notice, watchForNotices } from "../desktop/notifier.js";
import type { MiningCore } from "../session/main-core.js";

/** The part of Electron's Notification class this uses; main passes the real one, tests a fake. */
interface ShownNotification {
  show(): void;
  close(): void;
  on(event: "click" | "close", listener: () => void): unknown;
}
export interface NotificationClass {
  new (options: NotificationConstructorOptions): ShownNotification;
  isSupported(): boolean;
}

/**
 * Shows what the notifier (src-main/desktop/notifier.ts) decides as system notifications;
 * clicking one brings the window forward. Returns the stop function.
 */
export function showNotices(
  core: Pick<MiningCore, "getSnapshot" | "onPatch">,
  NotificationImpl: NotificationClass,
  focus: () => void,
): () => void {
  if (!NotificationImpl.isSupported()) return () => undefined;
  // A notification that is garbage collected loses its click handler (Windows, macOS): hold each
  // until it is clicked or dismissed.
  const live = new Set<ShownNotification>();
  const show = (notice: Notice): void => {
    const note = new NotificationImpl({ title: notice.title, body: notice.body, silent: notice.kind === "reward" });
    live.add(note);
    note.on("click", () => {
      live.delete(note);
      focus();
    });
    note.on("close", () => live.delete(note));
    note.show();
  };
  const stop = watchForNotices(core, { show });
  return () => {
    stop();
    for (const note of live) note.close();
    live.clear();
  };
}
