import { formatEther, parseEther } from "ethers";
import type { AppSnapshot, TaskSummary } from "../../src-shared/app-contract.js";
import { followSnapshot } from "../session/follow-snapshot.js";
import type { MiningCore } from "../session/main-core.js";

/**
 * What deserves a desktop notification, decided from the core's state alone (no Electron here; the
 * shell's adapter, src-main/electron/notifications.ts, only shows what this decides). Everything is
 * measured against the state when watching began, so a restart never repeats old news.
 */
export type NoticeKind = "reward" | "error" | "wallet";
export interface Notice {
  kind: NoticeKind;
  title: string;
  body: string;
}

export interface NotifierOptions {
  show(notice: Notice): void;
  /** Rewards credited within this long of the last reward notice wait and are told together. */
  rewardIntervalMs?: number;
  /** Below this much native currency (gas money) a registered miner's transactions start failing. */
  lowGasWei?: bigint;
}

export const REWARD_INTERVAL_MS = 60_000;
/** About a hundred task transactions at a few gwei; a fixed floor, since fees vary by network. */
export const LOW_GAS_WEI = parseEther("0.01");

interface Seen {
  /** Seen before it ended: its reward is news. Tasks first seen ended are history from before. */
  watched: boolean;
  creditedWei: bigint;
}

export class Notifier {
  private readonly seen = new Map<string, Seen>();
  private miningState: AppSnapshot["mining"]["state"];
  private gasLow: boolean;
  private enabled: boolean;
  private pending = { wei: 0n, tasks: new Set<string>() };
  private lastRewardAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly interval: number;
  private readonly lowGasWei: bigint;

  constructor(
    initial: AppSnapshot,
    private readonly options: NotifierOptions,
  ) {
    this.interval = options.rewardIntervalMs ?? REWARD_INTERVAL_MS;
    this.lowGasWei = options.lowGasWei ?? LOW_GAS_WEI;
    for (const t of initial.tasks) this.seen.set(t.id, { watched: t.stage !== "End", creditedWei: rewardOf(t) });
    this.miningState = initial.mining.state;
    this.gasLow = this.isGasLow(initial);
    this.enabled = initial.settings.notifications;
  }

  observe(s: AppSnapshot): void {
    this.enabled = s.settings.notifications;
    this.observeTasks(s);
    if (s.mining.state === "error" && this.miningState !== "error") {
      this.tell({ kind: "error", title: "Mining error", body: s.mining.reason || "the miner reported an error" });
    }
    if (s.mining.state === "degraded" && this.miningState !== "degraded") {
      this.tell({ kind: "error", title: "Mining degraded", body: s.mining.reason });
    }
    this.miningState = s.mining.state;
    const low = this.isGasLow(s);
    if (low && !this.gasLow && s.wallet) {
      this.tell({
        kind: "wallet",
        title: "Wallet needs gas money",
        body: `It holds ${formatAmount(BigInt(s.wallet.nativeWei))} ETH; task transactions may fail. Add ETH to ${s.wallet.address}.`,
      });
    }
    this.gasLow = low;
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private observeTasks(s: AppSnapshot): void {
    const next = new Map<string, Seen>();
    for (const t of s.tasks) {
      const before = this.seen.get(t.id) ?? { watched: t.stage !== "End", creditedWei: rewardOf(t) };
      const reward = rewardOf(t);
      // While notifications are off rewards are not saved up: turning them on tells nothing old.
      if (this.enabled && before.watched && t.stage === "End" && reward > before.creditedWei) {
        this.pending.wei += reward - before.creditedWei;
        this.pending.tasks.add(t.id);
      }
      next.set(t.id, {
        watched: before.watched,
        creditedWei: reward > before.creditedWei ? reward : before.creditedWei,
      });
    }
    // Tasks that left the live list never come back as news; forgetting them keeps this bounded.
    this.seen.clear();
    for (const [id, seen] of next) this.seen.set(id, seen);
    if (this.pending.wei > 0n) this.scheduleReward();
  }

  private scheduleReward(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastRewardAt + this.interval - Date.now();
    if (wait <= 0) this.flushRewards();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushRewards();
      }, wait);
  }

  private flushRewards(): void {
    const { wei, tasks } = this.pending;
    this.pending = { wei: 0n, tasks: new Set() };
    if (wei === 0n || !this.enabled) return;
    this.lastRewardAt = Date.now();
    const who = tasks.size === 1 ? "A task" : `${tasks.size} tasks`;
    this.tell({ kind: "reward", title: "Reward credited", body: `${who} earned ${formatAmount(wei)} POUW` });
  }

  private tell(notice: Notice): void {
    if (this.enabled) this.options.show(notice);
  }

  private isGasLow(s: AppSnapshot): boolean {
    // Before registering an empty wallet is normal; afterwards every task step costs gas.
    if (!s.wallet || !s.registration?.registered) return false;
    return BigInt(s.wallet.nativeWei) < this.lowGasWei;
  }
}

const rewardOf = (t: Pick<TaskSummary, "rewardWei">): bigint => BigInt(t.rewardWei);

/** Wei as a short decimal: at most four fraction digits, rounded down, never "0" for a non-zero amount. */
export function formatAmount(wei: bigint): string {
  const step = 10n ** 14n;
  const shown = wei - (wei % step);
  if (shown === 0n && wei > 0n) return "less than 0.0001";
  return formatEther(shown).replace(/\.0$/, "");
}

/**
 * Follows a core from its current snapshot through its patches (re-reading the snapshot when a
 * patch does not follow on) and hands each state to a Notifier. Returns the stop function.
 */
export function watchForNotices(
  core: Pick<MiningCore, "getSnapshot" | "onPatch">,
  options: NotifierOptions,
): () => void {
  let notifier: Notifier | undefined;
  const off = followSnapshot(core, (snapshot) => {
    if (notifier) notifier.observe(snapshot);
    else notifier = new Notifier(snapshot, options);
  });
  return () => {
    off();
    notifier?.close();
  };
}
