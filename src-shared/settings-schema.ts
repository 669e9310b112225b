import { z } from "zod";

/**
 * Miner settings: one schema for the Electron shell, the headless entry and the dashboard. The stored
 * file carries `schemaVersion`; older files are brought forward by numbered migrations
 * (src-main/settings/migrations.ts) before this schema validates them.
 */
export const SETTINGS_SCHEMA_VERSION = 5;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time must be HH:MM (24-hour)");

/** Mining allowed on `days` (0 = Sunday) from `start` to `end`; a window with end < start runs past midnight. */
export const ScheduleWindow = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    start: HHMM,
    end: HHMM,
  })
  .strict()
  .refine((w) => w.start !== w.end, { message: "schedule window start and end must differ" });
export type ScheduleWindow = z.infer<typeof ScheduleWindow>;

/** The embedded local devnet, or a deployment file describing a real network's contracts. */
export const NetworkSetting = z.union([z.literal("devnet"), z.object({ deploymentFile: z.string().min(1) }).strict()]);
export type NetworkSetting = z.infer<typeof NetworkSetting>;

const ThemeSetting = z.enum(["system", "light", "dark"]);
const IdleMinutes = z.number().int().min(1).max(240);
const Schedule = z.array(ScheduleWindow).max(32);
/** An ISO 4217 code: what the user's own prices are in (nothing converts it; no price service is asked). */
const Currency = z.string().regex(/^[A-Z]{3}$/, "currency must be a three-letter code such as USD or EUR");
const GpuBusyPercent = z.number().int().min(1).max(100);
const ProgramList = z.array(z.string().trim().min(1).max(260)).max(64);
/** Minutes of pause (or stop) with nothing in flight before the model leaves GPU memory; 0 = never. */
const UnloadAfterPauseMinutes = z.number().int().min(0).max(1440);

// Each user-editable field once; the stored schema and the update schema are both derived from it.
const requiredFields = {
  network: NetworkSetting.default("devnet"),
  idleOnly: z.boolean().default(false),
  idleMinutes: IdleMinutes.default(5),
  schedule: Schedule.default([]),
  startOnLogin: z.boolean().default(false),
  /** Take no new work while the computer runs on battery (tasks in flight still finish). */
  pauseOnBattery: z.boolean().default(true),
  unloadAfterPauseMinutes: UnloadAfterPauseMinutes.default(10),
  /**
   * Kept for a later separate oracle registration: on chain a node is either a miner or an oracle
   * (NodePool.register), so the miner's own account cannot take oracle duty. Nothing reads it yet.
   */
  oracleDuty: z.boolean().default(true),
  /** Desktop notifications for rewards, mining errors and a wallet running low on gas money. */
  notifications: z.boolean().default(true),
  theme: ThemeSetting.default("system"),
  currency: Currency.default("USD"),
  /** Take no new work while a program runs full screen (a game, a film), where the platform tells. */
  pauseOnFullscreen: z.boolean().default(true),
  /** Take no new work while another process uses the GPU at or above gpuBusyPercent (NVIDIA reports it per process). */
  pauseOnGpuBusy: z.boolean().default(true),
  gpuBusyPercent: GpuBusyPercent.default(30),
  /** Program names (as the OS lists them, ".exe" optional) that mining makes way for while they run. */
  pauseForPrograms: ProgramList.default([]),
};
const optionalFields = {
  maxThreads: z.number().int().min(1).max(1024),
  maxGpuLayers: z.number().int().min(0).max(10_000),
  /** The data folder chosen for the next start (a pointer file beside the default folder; src-main/settings/data-folder.ts). */
  dataDir: z.string().min(1),
  modelsDir: z.string().min(1),
  activeModelId: z.string().min(1),
  /** What one POUW is worth to the user, in `currency`, typed by hand. */
  pricePerToken: z.number().min(0).max(1e9),
  /** The user's electricity price per kWh, in `currency`. */
  electricityPricePerKwh: z.number().min(0).max(100),
  /** The machine's draw while mining, when the hardware reports none (watts). */
  powerDrawWatts: z.number().int().min(1).max(10_000),
};

export const Settings = z
  .object({
    schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
    ...requiredFields,
    maxThreads: optionalFields.maxThreads.optional(),
    maxGpuLayers: optionalFields.maxGpuLayers.optional(),
    dataDir: optionalFields.dataDir.optional(),
    modelsDir: optionalFields.modelsDir.optional(),
    activeModelId: optionalFields.activeModelId.optional(),
    pricePerToken: optionalFields.pricePerToken.optional(),
    electricityPricePerKwh: optionalFields.electricityPricePerKwh.optional(),
    powerDrawWatts: optionalFields.powerDrawWatts.optional(),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

/**
 * A partial change. `null` clears an optional field (JSON, used by the headless HTTP API, cannot
 * carry `undefined`). Unknown keys are rejected so a typo never silently does nothing.
 */
export const SettingsUpdate = z
  .object({
    network: NetworkSetting.optional(),
    idleOnly: z.boolean().optional(),
    idleMinutes: IdleMinutes.optional(),
    schedule: Schedule.optional(),
    startOnLogin: z.boolean().optional(),
    pauseOnBattery: z.boolean().optional(),
    unloadAfterPauseMinutes: UnloadAfterPauseMinutes.optional(),
    oracleDuty: z.boolean().optional(),
    notifications: z.boolean().optional(),
    theme: ThemeSetting.optional(),
    currency: Currency.optional(),
    pauseOnFullscreen: z.boolean().optional(),
    pauseOnGpuBusy: z.boolean().optional(),
    gpuBusyPercent: GpuBusyPercent.optional(),
    pauseForPrograms: ProgramList.optional(),
    maxThreads: optionalFields.maxThreads.nullable().optional(),
    maxGpuLayers: optionalFields.maxGpuLayers.nullable().optional(),
    dataDir: optionalFields.dataDir.nullable().optional(),
    modelsDir: optionalFields.modelsDir.nullable().optional(),
    activeModelId: optionalFields.activeModelId.nullable().optional(),
    pricePerToken: optionalFields.pricePerToken.nullable().optional(),
    electricityPricePerKwh: optionalFields.electricityPricePerKwh.nullable().optional(),
    powerDrawWatts: optionalFields.powerDrawWatts.nullable().optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

export function defaultSettings(): Settings {
  return Settings.parse({ schemaVersion: SETTINGS_SCHEMA_VERSION });
}

/** Applies an already-validated update; `null` removes the key, `undefined` leaves it as it was. */
export function mergeSettings(current: Settings, update: SettingsUpdate): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next;
}

/** One line naming the first problem, e.g. `idleMinutes: Too small: expected number to be >=1`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid value";
  const where = issue.path.length > 0 ? issue.path.join(".") : "value";
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return `${where}: ${issue.message}${more}`.replace(/\s*\n\s*/g, " ");
}
