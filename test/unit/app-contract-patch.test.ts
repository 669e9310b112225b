import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPatch, diff, parsePointer, toPointer } from "../../src-shared/json-patch.js";

describe("applyPatch", () => {
  it("adds, replaces and removes object members without touching the input", () => {
    const doc = Object.freeze({ a: 1, b: Object.freeze({ c: 2 }), keep: Object.freeze({ x: 1 }) });
    const out = applyPatch(doc, [
      { op: "replace", path: "/a", value: 10 },
      { op: "add", path: "/b/d", value: [1] },
      { op: "remove", path: "/b/c" },
    ]);
    expect(out).toEqual({ a: 10, b: { d: [1] }, keep: { x: 1 } });
    expect(doc).toEqual({ a: 1, b: { c: 2 }, keep: { x: 1 } });
    expect(out.keep).toBe(doc.keep);
  });

  it("inserts, appends, replaces and removes array items", () => {
    const doc = { list: [1, 2, 3] };
    expect(applyPatch(doc, [{ op: "add", path: "/list/1", value: 9 }])).toEqual({ list: [1, 9, 2, 3] });
    expect(applyPatch(doc, [{ op: "add", path: "/list/-", value: 4 }])).toEqual({ list: [1, 2, 3, 4] });
    expect(applyPatch(doc, [{ op: "replace", path: "/list/0", value: 0 }])).toEqual({ list: [0, 2, 3] });
    expect(applyPatch(doc, [{ op: "remove", path: "/list/2" }])).toEqual({ list: [1, 2] });
  });

  it("replaces the whole document at the empty path", () => {
    expect(applyPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it("handles escaped pointer tokens", () => {
    expect(parsePointer("/a~1b/c~0d")).toEqual(["a/b", "c~d"]);
    expect(toPointer(["a/b", "c~d", 3])).toBe("/a~1b/c~0d/3");
    expect(applyPatch({ "a/b": 1 }, [{ op: "replace", path: "/a~1b", value: 2 }])).toEqual({ "a/b": 2 });
  });

  it("rejects ops that do not fit the document", () => {
    expect(() => applyPatch({ a: 1 }, [{ op: "replace", path: "/b", value: 1 }])).toThrow(/"b" does not exist/);
    expect(() => applyPatch({ a: 1 }, [{ op: "remove", path: "/b" }])).toThrow(/does not exist/);
    expect(() => applyPatch({ l: [1] }, [{ op: "replace", path: "/l/1", value: 1 }])).toThrow(/out of range/);
    expect(() => applyPatch({ l: [1] }, [{ op: "add", path: "/l/01", value: 1 }])).toThrow(/out of range/);
    expect(() => applyPatch({ a: 1 }, [{ op: "add", path: "/a/b", value: 1 }])).toThrow(/not an object or array/);
    expect(() => applyPatch({ a: 1 }, [{ op: "add", path: "a", value: 1 }])).toThrow(/must start with/);
    expect(() => applyPatch({ a: 1 }, [{ op: "remove", path: "" }])).toThrow(/whole document/);
  });

  it("does not follow inherited keys such as __proto__", () => {
    expect(() => applyPatch({}, [{ op: "replace", path: "/__proto__/polluted", value: 1 }])).toThrow(/does not exist/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const added = applyPatch<Record<string, unknown>>({}, [{ op: "add", path: "/__proto__", value: { polluted: 1 } }]);
    expect(Object.getPrototypeOf(added)).toBe(Object.prototype);
    expect(Object.keys(added)).toEqual(["__proto__"]);
  });
});

describe("diff", () => {
  it("produces minimal ops for nested changes", () => {
    expect(diff({ a: 1, b: { c: 1, d: 2 } }, { a: 1, b: { c: 3 }, e: true })).toEqual([
      { op: "remove", path: "/b/d" },
      { op: "replace", path: "/b/c", value: 3 },
      { op: "add", path: "/e", value: true },
    ]);
    expect(diff({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
    expect(diff({ a: [1, 2] }, { a: [1] })).toEqual([{ op: "replace", path: "/a", value: [1] }]);
  });

  it("applyPatch(a, diff(a, b)) equals b for any JSON values", () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(applyPatch(a, diff(a, b))).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
});
