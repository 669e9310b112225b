import { describe, expect, it } from "vitest";
import { InferenceLine } from "../../src-main/miner/inference-line.js";

describe("InferenceLine", () => {
  it("runs one generation at a time: user tasks first, then priority, then nearest deadline", async () => {
    const line = new InferenceLine();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const job = (name: string, wait?: Promise<void>) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      order.push(name);
      await (wait ?? new Promise((r) => setTimeout(r, 5)));
      running--;
      return name;
    };
    // The first starts at once and holds the line while the others queue up.
    const all = [
      line.run({ taskId: "first", background: true, priority: 0, deadline: 100 }, job("first", gate)),
      line.run({ taskId: "bg", background: true, priority: 0, deadline: 10 }, job("bg")),
      line.run({ taskId: "user-low", background: false, priority: 1, deadline: 50 }, job("user-low")),
      line.run({ taskId: "user-high-late", background: false, priority: 3, deadline: 90 }, job("user-high-late")),
      line.run({ taskId: "user-high-soon", background: false, priority: 3, deadline: 20 }, job("user-high-soon")),
    ];
    release();
    expect(await Promise.all(all)).toEqual(["first", "bg", "user-low", "user-high-late", "user-high-soon"]);
    expect(order).toEqual(["first", "user-high-soon", "user-high-late", "user-low", "bg"]);
    expect(maxRunning).toBe(1);
  });

  it("a failed generation rejects its caller and frees the line", async () => {
    const line = new InferenceLine();
    await expect(
      line.run({ taskId: "a", background: false, priority: 0, deadline: 1 }, async () =>
        Promise.reject(new Error("worker crashed")),
      ),
    ).rejects.toThrow(/worker crashed/);
    expect(await line.run({ taskId: "a", background: false, priority: 0, deadline: 1 }, async () => 7)).toBe(7);
  });
});
