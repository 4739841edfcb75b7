// A finished trial's metrics: what it reported, what Nightshift measured, and — for a trial promoted by a
// multi-fidelity scheduler, which continues from its parent's checkpoint — the energy its ancestors spent
// on the same model. Without that, a 12-epoch result promoted from 2 and 6 epochs would look as cheap as
// its last 6 epochs, and the accuracy-against-energy front would flatter promoted trials.

// What each trial spent itself, totals and cumulative series are the energy ledger's (lineage/energy.ts).
import { CHAIN_METRICS, OWN_ENERGY_METRIC } from '../lineage/index.js';

export interface FinalMetricsInput {
  /** The last value of each metric the trial printed itself. */
  reported: Readonly<Record<string, number>>;
  measured: Readonly<Record<string, number>> | null;
  durationS: number | null;
  /** The parent's (already cumulative) chain metrics, for a promoted trial. */
  inherited: Readonly<Record<string, number>> | null;
}

export function finalMetrics(i: FinalMetricsInput): { metrics: Record<string, number>; notes: string[] } {
  const out: Record<string, number> = { ...i.reported };
  const notes: string[] = [];
  if (i.durationS !== null && out.duration_s === undefined) out.duration_s = i.durationS;
  for (const [k, v] of Object.entries(i.measured ?? {})) {
    // The trial's own figure under a measured name is what the user asked to optimise: keep it, and keep
    // the measurement beside it instead of silently replacing one with the other.
    if (k in i.reported) {
      out[`measured_${k}`] = v;
      notes.push(`the trial reported ${k} itself; Nightshift's measurement is kept as measured_${k}`);
    } else out[k] = v;
  }
  if (i.inherited && i.measured) {
    const added: string[] = [];
    for (const k of CHAIN_METRICS) {
      const parent = i.inherited[k];
      if (parent !== undefined && i.measured[k] !== undefined && !(k in i.reported)) {
        out[k] = i.measured[k]! + parent;
        added.push(k);
      }
    }
    // Written only when energy_j does include the ancestors': the ledger takes it as this trial's own part.
    if (added.includes('energy_j')) out[OWN_ENERGY_METRIC] = i.measured.energy_j!;
    if (added.length) notes.push(`${added.join(', ')} include the trials this one continued from (energy_increment_j is this trial's own)`);
  }
  return { metrics: out, notes };
}

/** The chain metrics of a finished trial record (its values for objectives, else its metrics). */
export function chainMetricsOf(t: { values: Record<string, number>; metrics: Record<string, number> }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of CHAIN_METRICS) {
    const v = t.values[k] ?? t.metrics[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export const STARTUP_PROVENANCE = {
  definition: 'startup_s: from the launch of the trial process to its first report (so it includes the first step of training); startup_energy_j: the energy measured for the trial over that time (its own, not inherited from a promotion parent)',
};

/** `startup_s` and `startup_energy_j` of a trial that reported at least once; the trial's own figures win. */
export function startupMetrics(startup: { seconds: number; energyJ: number | null } | null, final: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  if (!startup) return out;
  if (final.startup_s === undefined) out.startup_s = startup.seconds;
  if (startup.energyJ !== null && final.startup_energy_j === undefined) out.startup_energy_j = startup.energyJ;
  return out;
}
