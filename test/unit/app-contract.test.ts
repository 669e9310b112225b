import { describe, expect, it } from "vitest";
import { unwrapEnvelope } from "../../src-shared/app-client.js";
import {
  AppSnapshot,
  InvokeEnvelopeShape,
  allIpcChannels,
  bridgeFunctionNames,
  invokeMethodNames,
  invokeMethods,
  ipcChannels,
  isInvokeMethod,
  pushChannelNames,
} from "../../src-shared/app-contract.js";
import { PouwError } from "../../src-shared/errors.js";
import { previewSnapshot } from "../../src-renderer/src/lib/client/preview-snapshot.js";

const snapshot = () => previewSnapshot();

describe("app contract", () => {
  it("derives one distinct wire name per method and channel", () => {
    expect(invokeMethodNames).toEqual(Object.keys(invokeMethods));
    expect(ipcChannels.invoke.getSnapshot).toBe("pouw:invoke:getSnapshot");
    expect(ipcChannels.push.patch).toBe("pouw:push:patch");
    expect(new Set(allIpcChannels).size).toBe(invokeMethodNames.length + pushChannelNames.length);
    expect(Object.isFrozen(ipcChannels.invoke)).toBe(true);
  });

  it("names the bridge functions after the contract", () => {
    expect(bridgeFunctionNames).toEqual([...invokeMethodNames, "onSnapshot", "onPatch", "onSample", "onLog"]);
    expect(invokeMethodNames).toEqual(
      expect.arrayContaining(["getSnapshot", "startMining", "stopMining", "getSettings", "updateSettings"]),
    );
  });

  it("recognises only its own methods, not inherited object keys", () => {
    expect(isInvokeMethod("startMining")).toBe(true);
    expect(isInvokeMethod("toString")).toBe(false);
    expect(isInvokeMethod("__proto__")).toBe(false);
    expect(isInvokeMethod(7)).toBe(false);
  });

  it("accepts a well-formed snapshot and rejects bad ones", () => {
    expect(AppSnapshot.parse(snapshot())).toEqual(snapshot());
    expect(AppSnapshot.safeParse({ ...snapshot(), mining: { state: "sleeping", reason: "" } }).success).toBe(false);
    expect(AppSnapshot.safeParse({ ...snapshot(), walletAddress: "0x123" }).success).toBe(false);
    expect(
      AppSnapshot.safeParse({ ...snapshot(), earnings: { totalWei: "1.5", sessionWei: "0", tasksCompleted: 0 } })
        .success,
    ).toBe(false);
    expect(AppSnapshot.safeParse({ ...snapshot(), extra: 1 }).success).toBe(false);
  });

  it("validates params per method", () => {
    expect(invokeMethods.startMining.params.safeParse({}).success).toBe(true);
    expect(invokeMethods.startMining.params.safeParse({ force: true }).success).toBe(false);
    expect(invokeMethods.updateSettings.params.safeParse({ theme: "dark" }).success).toBe(true);
    expect(invokeMethods.updateSettings.params.safeParse({ theme: "neon" }).success).toBe(false);
  });

  it("unwraps envelopes, turning errors back into PouwError with their code", () => {
    expect(unwrapEnvelope<"stopMining">({ ok: true, result: { state: "stopped", reason: "x" } })).toEqual({
      state: "stopped",
      reason: "x",
    });
    let caught: unknown;
    try {
      unwrapEnvelope<"stopMining">({ ok: false, error: { code: "CHAIN_ERROR", message: "rpc down" } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PouwError);
    expect(caught).toMatchObject({ code: "CHAIN_ERROR", message: "rpc down" });
    expect(InvokeEnvelopeShape.safeParse({ ok: false, error: { code: "NOPE", message: "" } }).success).toBe(false);
  });
});
