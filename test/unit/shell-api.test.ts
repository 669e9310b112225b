import { describe, expect, it, vi } from "vitest";
import { buildShellApi } from "../../src-main/electron/shell-api.js";
import { shellChannels } from "../../src-shared/app-contract.js";

describe("window.pouwShell", () => {
  it("exposes only chooseModelFile, asking main on its channel and passing back a path or null", async () => {
    const invoke = vi.fn(async (..._args: unknown[]): Promise<unknown> => "/home/me/m.gguf");
    const api = buildShellApi({ invoke });
    expect(Object.keys(api)).toEqual(["chooseModelFile"]);
    expect(Object.isFrozen(api)).toBe(true);
    expect(await api.chooseModelFile()).toBe("/home/me/m.gguf");
    expect(invoke).toHaveBeenCalledWith(shellChannels.chooseModelFile);
    invoke.mockResolvedValueOnce(null);
    expect(await api.chooseModelFile()).toBeNull();
    invoke.mockResolvedValueOnce({ path: "/not/a/string" });
    expect(await api.chooseModelFile()).toBeNull();
  });
});
