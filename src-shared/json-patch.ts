import { z } from "zod";
import { PouwError } from "./errors.js";

/**
 * State crosses from main to the renderer as one snapshot and then small patches (DEVELOPERS.md §3).
 * Patches are the `add` / `remove` / `replace` subset of RFC 6902 with RFC 6901 JSON Pointer paths:
 * enough to express any change between two JSON values, small enough to verify by hand.
 */
export const PatchOp = z.discriminatedUnion("op", [
  z.object({ op: z.literal("add"), path: z.string(), value: z.unknown() }).strict(),
  z.object({ op: z.literal("replace"), path: z.string(), value: z.unknown() }).strict(),
  z.object({ op: z.literal("remove"), path: z.string() }).strict(),
]);
export type PatchOp = z.infer<typeof PatchOp>;

type Json = unknown;
type Container = Record<string, Json> | Json[];

export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw patchError(`path "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => "/" + String(t).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** Returns a new document; `doc` is never mutated and untouched branches are shared with it. */
export function applyPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  let result: Json = doc;
  for (const op of ops) result = applyOp(result, op);
  return result as T;
}

function applyOp(doc: Json, op: PatchOp): Json {
  const tokens = parsePointer(op.path);
  if (tokens.length === 0) {
    if (op.op === "remove") throw patchError("cannot remove the whole document");
    return op.value;
  }
  return updateAt(doc, tokens, op);
}

function updateAt(node: Json, tokens: string[], op: PatchOp): Json {
  const [head, ...rest] = tokens as [string, ...string[]];
  if (!isContainer(node)) throw patchError(`${op.op} ${op.path}: parent is not an object or array`);
  if (rest.length > 0) {
    const child = Array.isArray(node) ? node[arrayIndex(node, head, op, false)] : ownValue(node, head, op);
    return setChild(node, head, updateAt(child, rest, op));
  }
  if (Array.isArray(node)) {
    const copy = node.slice();
    if (op.op === "add") copy.splice(head === "-" ? copy.length : arrayIndex(node, head, op, true), 0, op.value);
    else if (op.op === "replace") copy[arrayIndex(node, head, op, false)] = op.value;
    else copy.splice(arrayIndex(node, head, op, false), 1);
    return copy;
  }
  const copy: Record<string, Json> = { ...node };
  if (op.op === "remove") {
    ownValue(node, head, op);
    delete copy[head];
  } else {
    if (op.op === "replace") ownValue(node, head, op);
    defineOwn(copy, head, op.value);
  }
  return copy;
}

function setChild(node: Container, key: string, value: Json): Container {
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[Number(key)] = value;
    return copy;
  }
  const copy = { ...node };
  defineOwn(copy, key, value);
  return copy;
}

// Plain assignment of "__proto__" would change the copy's prototype instead of adding a member.
function defineOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function ownValue(node: Record<string, Json>, key: string, op: PatchOp): Json {
  if (!Object.prototype.hasOwnProperty.call(node, key))
    throw patchError(`${op.op} ${op.path}: "${key}" does not exist`);
  return node[key];
}

function arrayIndex(node: Json[], token: string, op: PatchOp, forInsert: boolean): number {
  const max = forInsert ? node.length : node.length - 1;
  if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) > max) {
    throw patchError(`${op.op} ${op.path}: index "${token}" is out of range`);
  }
  return Number(token);
}

function isContainer(value: Json): value is Container {
  return typeof value === "object" && value !== null;
}

function isPlainObject(value: Json): value is Record<string, Json> {
  return isContainer(value) && !Array.isArray(value);
}

/**
 * The ops that turn `before` into `after`. Objects are compared key by key; arrays of equal length
 * element by element, otherwise replaced whole (task lists are short, so whole-array replaces are cheap).
 */
export function diff(before: Json, after: Json, path: (string | number)[] = []): PatchOp[] {
  if (Object.is(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const ops: PatchOp[] = [];
    for (const key of Object.keys(before)) {
      if (!Object.prototype.hasOwnProperty.call(after, key))
        ops.push({ op: "remove", path: toPointer([...path, key]) });
    }
    for (const [key, value] of Object.entries(after)) {
      if (!Object.prototype.hasOwnProperty.call(before, key))
        ops.push({ op: "add", path: toPointer([...path, key]), value });
      else ops.push(...diff(before[key], value, [...path, key]));
    }
    return ops;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diff(item, after[i], [...path, i]));
  }
  if (!isContainer(before) && !isContainer(after) && before === after) return [];
  return [{ op: "replace", path: toPointer(path), value: after }];
}

function patchError(message: string): PouwError {
  return new PouwError("INVALID_PARAMS", `patch: ${message}`);
}
