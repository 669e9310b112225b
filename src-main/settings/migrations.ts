import { SETTINGS_SCHEMA_VERSION } from "../../src-shared/settings-schema.js";

/**
 * Numbered, not semver (conf's migrations key on the app version, which says nothing about the file's
 * shape). Each step takes the raw object at `version - 1` and returns it at `version`; steps are pure
 * so each is tested alone. Version 0 is the prototype's file, which had no `schemaVersion`.
 */
export interface SettingsMigration {
  readonly version: number;
  readonly description: string;
  migrate(raw: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

export const settingsMigrations: readonly SettingsMigration[] = [
  {
    version: 1,
    description: "prototype keys: `threads` becomes `maxThreads`, `idle` becomes `idleOnly`; add schemaVersion",
    migrate(raw) {
      const { threads, idle, ...rest } = raw;
      const next: Record<string, unknown> = { ...rest, schemaVersion: 1 };
      if (threads !== undefined && rest.maxThreads === undefined) next.maxThreads = threads;
      if (idle !== undefined && rest.idleOnly === undefined) next.idleOnly = idle;
      return next;
    },
  },
  {
    version: 2,
    description: '`network` as a path string becomes { deploymentFile }; `localhost` becomes "devnet"',
    migrate(raw) {
      const next: Record<string, unknown> = { ...raw, schemaVersion: 2 };
      const network = raw.network;
      if (network === "localhost" || network === "local") next.network = "devnet";
      else if (typeof network === "string" && network !== "devnet") next.network = { deploymentFile: network };
      return next;
    },
  },
  {
    version: 3,
    description: "add `notifications` (desktop notifications for rewards and errors), on unless already set",
    migrate(raw) {
      return { notifications: true, ...raw, schemaVersion: 3 };
    },
  },
  {
    version: 4,
    description: "add `pauseOnBattery` (on) and `unloadAfterPauseMinutes` (10), unless already set",
    migrate(raw) {
      return { pauseOnBattery: true, unloadAfterPauseMinutes: 10, ...raw, schemaVersion: 4 };
    },
  },
  {
    version: 5,
    description:
      "add `currency` (USD) for the user's own prices (the prices stay unset until typed), and what mining makes way for: " +
      "`pauseOnFullscreen` (on), `pauseOnGpuBusy` (on) at `gpuBusyPercent` (30), `pauseForPrograms` (none)",
    migrate(raw) {
      return {
        currency: "USD",
        pauseOnFullscreen: true,
        pauseOnGpuBusy: true,
        gpuBusyPercent: 30,
        pauseForPrograms: [],
        ...raw,
        schemaVersion: 5,
      };
    },
  },
];

export class SettingsVersionError extends Error {}

/** The stored version: absent means the prototype (0); anything else must be a whole number. */
export function storedVersion(raw: Readonly<Record<string, unknown>>): number {
  const version = raw.schemaVersion;
  if (version === undefined) return 0;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw new SettingsVersionError(`schemaVersion ${JSON.stringify(version)} is not a whole number`);
  }
  return version;
}

/** Runs every migration above the stored version, in order. */
export function migrateSettings(
  raw: Readonly<Record<string, unknown>>,
  migrations: readonly SettingsMigration[] = settingsMigrations,
  target = SETTINGS_SCHEMA_VERSION,
): { value: Record<string, unknown>; from: number; applied: number[] } {
  const from = storedVersion(raw);
  if (from > target) {
    throw new SettingsVersionError(`schemaVersion ${from} is newer than this app understands (${target})`);
  }
  let value: Record<string, unknown> = { ...raw };
  const applied: number[] = [];
  for (const step of migrations) {
    if (step.version <= from || step.version > target) continue;
    value = step.migrate(value);
    applied.push(step.version);
  }
  return { value, from, applied };
}
