// Machine-wide settings (NIGHTSHIFT_HOME/settings.json): what energy costs here and how to measure it.
// Defaults are stated in the README; every key is optional.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CPU_WATTS } from './metering/cpu-energy.js';
import type { MeterOptions } from './metering/types.js';

/**
 * Grid intensity default: 480 gCO2/kWh, the world average of electricity generation in 2023 (Ember, Global
 * Electricity Review 2024; IEA reports ~460-480 for 2022-2023). Users on a cleaner or dirtier grid set theirs.
 */
export const DEFAULT_GRID_G_PER_KWH = 480;
/** Price default: 0.30 per kWh, close to the 2023 EU household average (Eurostat, ~0.29 EUR/kWh). */
export const DEFAULT_PRICE_PER_KWH = 0.3;

const schema = z
  .object({
    grid_intensity_g_per_kwh: z.number().nonnegative().finite(),
    price_per_kwh: z.number().nonnegative().finite(),
    cpu_watts: z.number().positive().finite(),
    sample_interval_ms: z.number().int().min(50).max(60_000),
    /** Seconds of idle power measured when an engine starts (the baseline of energy_above_idle_j). */
    idle_seconds: z.number().min(0).max(60),
  })
  .partial()
  .strict();

export interface Settings {
  grid_intensity_g_per_kwh: number;
  price_per_kwh: number;
  cpu_watts: number;
  sample_interval_ms: number;
  idle_seconds: number;
}

export const DEFAULT_SETTINGS: Settings = {
  grid_intensity_g_per_kwh: DEFAULT_GRID_G_PER_KWH,
  price_per_kwh: DEFAULT_PRICE_PER_KWH,
  cpu_watts: DEFAULT_CPU_WATTS,
  sample_interval_ms: 500,
  idle_seconds: 2,
};

export class SettingsError extends Error {}

export function loadSettings(home: string): Settings {
  const file = path.join(home, 'settings.json');
  if (!existsSync(file)) return { ...DEFAULT_SETTINGS };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SettingsError(`${file}: not valid JSON (${(e as Error).message}); fix it or delete it to use the defaults`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingsError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; known keys: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
  }
  return { ...DEFAULT_SETTINGS, ...parsed.data };
}

/** The meter's options under these settings. */
export function meterOptions(s: Settings): MeterOptions {
  return {
    intervalMs: s.sample_interval_ms,
    idleSeconds: s.idle_seconds,
    cpuWatts: s.cpu_watts,
    gridIntensityGPerKWh: s.grid_intensity_g_per_kwh,
    pricePerKWh: s.price_per_kwh,
  };
}
