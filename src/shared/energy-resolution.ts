// Whether an energy figure of a trial is below the meter's resolution, for every place that prints one (the
// dashboard's tables, the trial page, the comparison, the HTML report), so none of them prints a bare 0 J
// (or 0 g CO2, or a cost of 0) that reads as a free trial or a real saving.
//
// A window shorter than SHORT_WINDOW_S holds one or two nvidia-smi samples: the meter flags such a trial
// short_window, and its energy integral is 0 or a rough figure. The meter never writes an energy it could not
// measure (src/main/engine/metering/measurement.ts), so a stored energy of exactly 0 J is such a window too,
// even where the flag is not at hand (a comparison of best values). The start-up energy is measured over the
// start-up window (launch to first report): shorter than SHORT_WINDOW_S, it is below resolution even when the
// whole trial's window was long enough; longer, it is a measured figure like any other.

/** Windows shorter than this hold only one or two nvidia-smi samples, so their energy is a rough figure. */
export const SHORT_WINDOW_S = 1;

/** Metrics that come from the meter's energy integral over the trial's window (a short window makes them all unreliable). */
export const ENERGY_METRICS: readonly string[] = ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'co2_g', 'cost'];

/** Energies integrated over a window: a measured window has some, so exactly 0 J means below resolution. */
const INTEGRALS = new Set(['energy_j', 'gpu_energy_j', 'cpu_energy_j']);
/** Figures derived from energy_j (grid intensity, price): 0 is real when the intensity or price is 0. */
const DERIVED = new Set(['co2_g', 'cost']);

export interface TrialFigures {
  /** Objective values (energy_j is one in most studies). */
  values?: Readonly<Record<string, number>>;
  metrics?: Readonly<Record<string, number>>;
  /** The trial's measurement flags (provenance), when known. */
  flags?: readonly string[] | null;
}

/** Whether `metric` (of value `value`) of this trial is below the meter's resolution; false for a metric that is not an energy. */
export function belowResolution(metric: string, value: number, trial: TrialFigures = {}): boolean {
  if (metric !== 'startup_energy_j' && !ENERGY_METRICS.includes(metric)) return false;
  if (trial.flags?.includes('short_window')) return true;
  const figure = (k: string) => trial.values?.[k] ?? trial.metrics?.[k];
  if (metric === 'startup_energy_j') {
    const seconds = figure('startup_s');
    return value === 0 || (seconds !== undefined && seconds < SHORT_WINDOW_S);
  }
  if (INTEGRALS.has(metric)) return value === 0;
  if (DERIVED.has(metric)) {
    const energy = figure('energy_j');
    return energy === undefined ? value === 0 : energy === 0;
  }
  return false;
}
