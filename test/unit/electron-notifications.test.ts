import { describe, expect, it, vi } from "vitest";
import type { AppSnapshot, PatchMessage } from "../../src-shared/app-contract.js";
import { defaultSettings } from "../../src-shared/settings-schema.js";
import { SnapshotHub } from "../../src-shared/snapshot-hub.js";
import { showNotices } from "../../src-main/electron/notifications.js";

/** Stands in for Electron's Notification: records what was shown and lets the test click or dismiss it. */
function fakeNotificationClass(supported = true) {
  const made: FakeNotification[] = [];
  class FakeNotification {
    static isSupported = () => supported;
    readonly handlers = new Map<string, () => void>();
    shown = false;
    closed = false;
    constructor(readonly options: { title?: string; body?: string; silent?: boolean }) {
      made.push(this);
    }
    on(event: string, fn: () => void): this {
      this.handlers.set(event, fn);
      return this;
    }
    show(): void {
      this.shown = true;
    }
    close(): void {
      this.closed = true;
      this.handlers.get("close")?.();
    }
  }
  return { FakeNotification, made };
}

const initial: AppSnapshot = {
  appVersion: "0.0.0-test",
  mining: { state: "mining", reason: "mining" },
  network: { name: "devnet", connected: true },
  tasks: [{ id: "1#0", stage: "Commit", modelId: "0x01", updatedAt: 1, kind: "user", states: [], rewardWei: "0" }],
  earnings: { totalWei: "0", sessionWei: "0", tasksCompleted: 0 },
  settings: defaultSettings(),
};
const coreOf = (hub: SnapshotHub) => ({
  getSnapshot: () => hub.message(),
  onPatch: (l: (p: PatchMessage) => void) => hub.subscribe(l),
});

describe("Electron notifications adapter", () => {
  it("shows the notifier's notices; a click focuses the window", () => {
    const { FakeNotification, made } = fakeNotificationClass();
    const hub = new SnapshotHub(initial);
    const focus = vi.fn();
    const stop = showNotices(coreOf(hub), FakeNotification, focus);
    expect(made).toHaveLength(0);
    hub.update((s) => ({ ...s, mining: { state: "error", reason: "Could not start mining: worker crashed" } }));
    hub.update((s) => ({
      ...s,
      tasks: [
        {
          id: "1#0",
          stage: "End",
          modelId: "0x01",
          updatedAt: 2,
          kind: "user",
          states: [],
          rewardWei: (3n * 10n ** 18n).toString(),
        },
      ],
    }));
    expect(made.map((n) => [n.options, n.shown])).toEqual([
      [{ title: "Mining error", body: "Could not start mining: worker crashed", silent: false }, true],
      [{ title: "Reward credited", body: "A task earned 3 POUW", silent: true }, true],
    ]);
    made[0]?.handlers.get("click")?.();
    expect(focus).toHaveBeenCalledTimes(1);
    stop();
    // The one still on screen is taken down with the app; nothing more is shown after stopping.
    expect(made.map((n) => n.closed)).toEqual([false, true]);
    hub.update((s) => ({ ...s, mining: { state: "mining", reason: "" } }));
    hub.update((s) => ({ ...s, mining: { state: "error", reason: "again" } }));
    expect(made).toHaveLength(2);
  });

  it("does nothing where the system has no notifications", () => {
    const { FakeNotification, made } = fakeNotificationClass(false);
    const hub = new SnapshotHub(initial);
    showNotices(coreOf(hub), FakeNotification, () => undefined)();
    hub.update((s) => ({ ...s, mining: { state: "error", reason: "x" } }));
    expect(made).toHaveLength(0);
  });
});
