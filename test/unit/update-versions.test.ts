import { describe, expect, it } from "vitest";
import { compareVersions, isNewer, isVersion } from "../../src-main/update/versions.js";

describe("release versions", () => {
  it("orders releases as semver does, pre-releases before their release", () => {
    const sorted = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.2.0",
      "1.10.0",
      "2.0.0",
    ];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(sorted);
    expect(compareVersions("v1.2.3", "1.2.3+build.5")).toBe(0);
    expect(isNewer("1.1.0", "1.0.9")).toBe(true);
    expect(isNewer("1.0.0", "1.0.0")).toBe(false);
    expect(isNewer("1.0.0-rc.1", "1.0.0")).toBe(false);
  });

  it("tells versions from other strings", () => {
    expect(["1.0.0", "0.1.0-beta.1"].every(isVersion)).toBe(true);
    expect(["1.0", "latest", "../1.0.0", "1.0.0/x"].some(isVersion)).toBe(false);
    expect(() => compareVersions("1.0", "1.0.0")).toThrow(/not a version: 1\.0/);
  });
});
