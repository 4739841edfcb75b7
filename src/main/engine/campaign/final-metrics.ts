// A finished trial's metrics: what it reported, what Nightshift measured, and — for a trial promoted by a
// multi-fidelity scheduler, which continues from its parent's checkpoint — the energy its ancestors spent
// on the same model. Without that, a 12-epoch result promoted from 2 and 6 epochs would look as cheap as
// its last 6 epochs, and the accuracy-against-energy front would flatter promoted trials.

/** Measured metrics that accumulate along a chain of promotions. */
export const CHAIN_METRICS = ['energy_j', 'energy_above_idle_j', 'gpu_energy_j', 'cpu_energy_j', 'co2_g', 'cost'] as const;

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
    if (out.energy_j !== undefined && i.measured.energy_j !== undefined) out.energy_increment_j = i.measured.energy_j;
    const added: string[] = [];
    for (const k of CHAIN_METRICS) {
      const parent = i.inherited[k];
      if (parent !== undefined && i.measured[k] !== undefined && !(k in i.reported)) {
        out[k] = i.measured[k]! + parent;
        added.push(k);
      }
    }
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

interface ChainTrial {
  number: number;
  origin: string;
  values: Record<string, number>;
  metrics: Record<string, number>;
}

/**
 * What each trial itself spent of a chain metric (energy_j, co2_g, ...): a promoted trial's figure
 * includes its ancestors', so its parent's is taken off. Totals and "against cumulative energy" plots
 * add these, so no joule is counted twice. Aligned with `trials`; NaN where the trial has no figure.
 */
export function ownIncrements(trials: readonly ChainTrial[], metric: string): number[] {
  const byNumber = new Map(trials.map((t) => [t.number, t] as const));
  const valueOf = (t: ChainTrial): number | undefined => t.values[metric] ?? t.metrics[metric];
  return trials.map((t) => {
    const v = valueOf(t);
    if (v === undefined || !Number.isFinite(v)) return NaN;
    const m = /^promote:(\d+)$/.exec(t.origin);
    const parent = m ? byNumber.get(Number(m[1])) : undefined;
    const p = parent ? valueOf(parent) : undefined;
    return (CHAIN_METRICS as readonly string[]).includes(metric) && p !== undefined && Number.isFinite(p) ? v - p : v;
  });
}

/** Sum of what the trials themselves spent of a metric (see `ownIncrements`). */
export function spentTotal(trials: readonly ChainTrial[], metric: string): number {
  return ownIncrements(trials, metric).reduce((s, v) => (Number.isFinite(v) ? s + v : s), 0);
}
