import { keccak256, parseEther, solidityPacked, type EventLog } from "ethers";
import fc from "fast-check";
import { PouwError } from "../../src-shared/errors.js";
import { taskStateIndex, type TaskState } from "../../src-shared/pouw-states.js";
import { increaseTime } from "../../src-main/chain/provider.js";
import { revertName } from "../../src-main/chain/contracts.js";
import { commitmentOf, outputHashOf, readSlots, readTask } from "../../src-main/chain/task-views.js";
import {
  drawTask,
  nodeOf,
  requestBackgroundTask,
  requestUserTask,
  tasksBalanceMatches,
  totalHeld,
  type Chain,
} from "./fixture.js";

/** One random step against the protocol; indexes are resolved modulo what exists at that moment. */
export type Action =
  | { kind: "request"; k: number; tokens: number; requester: number }
  | { kind: "background"; k: number; oracle: number }
  | { kind: "ack"; task: number; slot: number; wrongActor: boolean }
  /** A miner turns its assignment down before acking (free). */
  | { kind: "decline"; task: number; slot: number; wrongActor: boolean }
  | { kind: "precommit"; task: number; slot: number; wrongActor: boolean }
  | { kind: "reveal"; task: number; slot: number; tamper: boolean }
  | { kind: "poi"; task: number; oracle: number; scores: number[] }
  | { kind: "advance"; task: number; oracle: number }
  /** Anyone but an oracle advances (refused before the keeper grace period). */
  | { kind: "keeper"; task: number; who: number }
  | { kind: "reassign"; task: number; slot: number; oracle: number }
  | { kind: "withdraw"; who: number }
  /** Every waiting slot of a task takes its honest next step, so runs often reach Commit and End. */
  | { kind: "drive"; task: number }
  | { kind: "warp"; seconds: number };

const MAX_SCORE = 10_000;
const idx = fc.nat({ max: 31 });
// Mostly similar outputs (above the 80% threshold), sometimes outliers.
const score = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 8_000, max: MAX_SCORE }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_SCORE }) },
);
const rarely = fc.nat({ max: 6 }).map((n) => n === 0);
export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("request" as const),
      k: fc.integer({ min: 1, max: 3 }),
      tokens: fc.integer({ min: 1, max: 20 }),
      requester: idx,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("background" as const), k: fc.integer({ min: 2, max: 4 }), oracle: idx }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("ack" as const), task: idx, slot: idx, wrongActor: rarely }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("precommit" as const), task: idx, slot: idx, wrongActor: rarely }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("reveal" as const), task: idx, slot: idx, tamper: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("poi" as const),
      task: idx,
      oracle: idx,
      scores: fc.array(score, { minLength: 3, maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("advance" as const), task: idx, oracle: idx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("keeper" as const), task: idx, who: idx }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("decline" as const), task: idx, slot: idx, wrongActor: rarely }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reassign" as const), task: idx, slot: idx, oracle: idx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), who: idx }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("drive" as const), task: idx }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("warp" as const), seconds: fc.constantFrom(30, 90, 400, 700) }),
  },
);

const pick = <T>(list: readonly T[], i: number): T | undefined =>
  list.length === 0 ? undefined : list[i % list.length];
const enc = (s: string) => new TextEncoder().encode(s);

/** Runs actions in order; reverts are expected outcomes, anything else is a test failure. */
export class ProtocolModel {
  readonly taskIds: bigint[] = [];
  readonly states = new Map<bigint, TaskState>();
  readonly payments = new Map<bigint, bigint>();
  reverts = 0;
  successes = 0;
  /** Every state some task was seen in, to show the generator reaches deep transitions. */
  readonly reached = new Set<TaskState>();
  constructor(readonly chain: Chain) {}

  private salt(taskId: bigint, slot: number, miner: string): string {
    return keccak256(solidityPacked(["uint256", "uint256", "address"], [taskId, slot, miner]));
  }
  private output(taskId: bigint, slot: number): string {
    return `Tim found a shiny stone. (${taskId}:${slot % 2})`;
  }

  async apply(a: Action): Promise<void> {
    try {
      await this.exec(a);
      this.successes++;
    } catch (err) {
      if (!(err instanceof PouwError) || revertName(err) === undefined) throw err;
      this.reverts++;
    }
    await this.checkForward();
  }

  private async exec(a: Action): Promise<void> {
    const c = this.chain;
    if (a.kind === "warp") return increaseTime(c.provider, a.seconds);
    if (a.kind === "withdraw") {
      const all = [...c.miners, ...c.oracles, ...c.requesters];
      return void (await pick(all, a.who)!.c.tasks.send("withdraw"));
    }
    if (a.kind === "request") {
      const requester = pick(c.requesters, a.requester)!;
      const id = await requestUserTask(c, requester, { k: a.k, payment: parseEther(String(a.tokens)) });
      return this.track(id);
    }
    if (a.kind === "background") {
      await this.track(await requestBackgroundTask(c, pick(c.oracles, a.oracle)!, a.k));
      return;
    }
    // Mostly the newest tasks, so sequences drive some of them all the way to End.
    const taskId = pick(this.taskIds.slice(-3), a.task);
    if (taskId === undefined) return;
    const t = await readTask(c.owner.c.tasks, taskId);
    if (a.kind === "drive") return this.drive(a.task, t.state, t.revealsClosed, t.k);
    if (a.kind === "poi") {
      const slots = await readSlots(c.owner.c.tasks, taskId, t.k);
      const scores = slots.map((s, i) => (s.status === "Revealed" ? (a.scores[i % a.scores.length] ?? 0) : 0));
      return void (await pick(c.oracles, a.oracle)!.c.tasks.send("submitPoi", taskId, scores));
    }
    if (a.kind === "advance") return void (await pick(c.oracles, a.oracle)!.c.tasks.send("advance", taskId));
    if (a.kind === "keeper")
      return void (await pick([...c.requesters, ...c.miners], a.who)!.c.tasks.send("advance", taskId));
    const slots = await readSlots(c.owner.c.tasks, taskId, t.k);
    const waitingFor = {
      ack: "Assigned",
      decline: "Assigned",
      precommit: "Acked",
      reveal: "Precommitted",
      reassign: "",
    }[a.kind];
    const waiting = slots.map((s, i) => ({ s, i })).filter(({ s }) => s.status === waitingFor);
    const slot = pick(waiting, a.slot)?.i ?? a.slot % Math.max(t.k, 1);
    if (a.kind === "reassign") return void (await pick(c.oracles, a.oracle)!.c.tasks.send("reassign", taskId, slot));
    if (t.state === "Create" || t.state === "Prepare") return this.createStep(taskId, t.state);
    const miner = slots[slot]?.miner;
    if (!miner || /^0x0+$/.test(miner)) return;
    const honest = nodeOf(c, miner);
    const wrong = a.kind === "reveal" ? false : a.wrongActor;
    const actor = wrong ? (c.miners.find((m) => m.address !== miner) ?? honest) : honest;
    const out = this.output(taskId, slot);
    const salt = this.salt(taskId, slot, miner);
    if (a.kind === "ack" || a.kind === "decline") return void (await actor.c.tasks.send(a.kind, taskId, slot));
    if (a.kind === "precommit") {
      return void (await actor.c.tasks.send(
        "precommit",
        taskId,
        slot,
        commitmentOf({ tasks: actor.c.tasks.address, taskId, slot, miner: actor.address }, outputHashOf(out), salt),
      ));
    }
    await honest.c.tasks.send("reveal", taskId, slot, enc(a.tamper ? `${out}!` : out), salt);
  }

  private async drive(task: number, state: TaskState, revealsClosed: boolean, k: number): Promise<void> {
    if (state === "Request") {
      const taskId = pick(this.taskIds.slice(-3), task)!;
      return void (await drawTask(pick(this.chain.requesters, task)!, taskId));
    }
    if (state === "Create" || state === "Prepare") return this.exec({ kind: "ack", task, slot: 0, wrongActor: false });
    if (state === "Commit" && revealsClosed) {
      return this.exec({ kind: "poi", task, oracle: 0, scores: [9_000, 9_500, 8_500] });
    }
    const step = { Start: "ack", Precommit: "precommit", Commit: "reveal" } as const;
    const kind = state in step ? step[state as keyof typeof step] : undefined;
    if (!kind) return;
    // Slot 0 of the waiting ones each time: the list shrinks as each slot acts.
    for (let i = 0; i < k; i++) {
      await this.exec(
        kind === "reveal" ? { kind, task, slot: 0, tamper: false } : { kind, task, slot: 0, wrongActor: false },
      );
    }
  }

  private async createStep(taskId: bigint, state: TaskState): Promise<void> {
    const creator = nodeOf(this.chain, await this.chain.owner.c.tasks.read("creatorOf", taskId));
    const text = state === "Create" ? "a kind dragon" : "Tell a story about a kind dragon.";
    await creator.c.tasks.send(state === "Create" ? "submitSeed" : "submitPrompt", taskId, outputHashOf(text), text);
  }

  private async track(id: bigint): Promise<void> {
    this.taskIds.push(id);
    this.payments.set(id, (await readTask(this.chain.owner.c.tasks, id)).escrow);
    this.states.set(id, "Request");
  }

  /** State only moves forward (or stays). */
  private async checkForward(): Promise<void> {
    for (const id of this.taskIds) {
      const now = (await readTask(this.chain.owner.c.tasks, id)).state;
      const before = this.states.get(id) ?? "Request";
      if (taskStateIndex(now) < taskStateIndex(before))
        throw new Error(`task ${id} went back from ${before} to ${now}`);
      this.states.set(id, now);
      this.reached.add(now);
    }
  }

  /** Conservation and no double payout, checked from balances and Credited events. */
  async checkFunds(supply: bigint): Promise<void> {
    const c = this.chain;
    if ((await totalHeld(c)) !== supply) throw new Error("token supply not conserved across holders");
    if (!(await tasksBalanceMatches(c))) throw new Error("task contract balance != escrow + owed");
    const tasks = c.owner.c.tasks.contract;
    for (const id of this.taskIds) {
      const logs = (await tasks.queryFilter(tasks.filters.Credited!(id))) as EventLog[];
      const credited = logs.reduce((s, l) => s + BigInt(l.args.getValue("amount") as bigint), 0n);
      const t = await readTask(c.owner.c.tasks, id);
      const paid = this.payments.get(id) ?? 0n;
      if (credited + t.escrow !== paid)
        throw new Error(`task ${id}: credited ${credited} + escrow ${t.escrow} != payment ${paid}`);
      if (t.state === "End" && t.escrow !== 0n) throw new Error(`task ${id} ended holding escrow`);
    }
  }
}
