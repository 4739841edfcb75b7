// What a study cost the user in processes, beside epochs: a scheduler that starts a new process per rung
// (promotion-based ASHA) pays each trial's fixed cost (interpreter, imports, data loading, CUDA set-up,
// compilation) again and again, which counting epochs hides. These totals make that visible in `show`,
// `show --json` and the HTML report.
import type { StudyCostJson } from '../../../shared/types.js';
import { ENERGY_METRIC, EnergyTotal, OWN_ENERGY_METRIC, recorded } from '../lineage/index.js';
import type { TrialRecord } from '../storage/types.js';

/** Every metric `studyCost` reads, the energy total's included (a caller that trims trial records keeps these). */
export const STUDY_COST_METRICS = ['duration_s', ENERGY_METRIC, OWN_ENERGY_METRIC, 'startup_s', 'startup_energy_j', 'paused_s'] as const;

/**
 * Totals over the study's finished trials. `process_seconds` is wall time × processes: the sum of every
 * trial process's wall time from launch to exit (its `duration_s`), so two trials side by side for an hour
 * count two hours. Each trial record is one process, so `processes` counts the finished trials that ran one.
 */
export function studyCost(trials: readonly TrialRecord[]): StudyCostJson {
  const totals = new StudyCostTotals();
  for (const t of trials) totals.add(t);
  return totals.result();
}

/** `studyCost` taken trial by trial, for a study read in pages. */
export class StudyCostTotals {
  private processes = 0;
  private readonly processSeconds = new Sum();
  private readonly energy = new EnergyTotal();
  private readonly startupS = new Sum();
  private readonly startupJ = new Sum();
  private readonly pausedS = new Sum();

  add(t: TrialRecord): void {
    if (t.state === 'queued' || t.state === 'running') return;
    const duration = metric(t, 'duration_s');
    if (Number.isFinite(duration)) {
      this.processes += 1;
      this.processSeconds.add(duration);
    }
    this.energy.add(t);
    this.startupS.add(metric(t, 'startup_s'));
    this.startupJ.add(metric(t, 'startup_energy_j'));
    this.pausedS.add(metric(t, 'paused_s'));
  }

  result(): StudyCostJson {
    const energy = this.energy.measured ? this.energy.total : null;
    const startupJ = this.startupJ.value;
    return {
      processes: this.processes,
      process_seconds: this.processSeconds.value ?? 0,
      energy_j: energy,
      startup_s: this.startupS.value,
      startup_energy_j: startupJ,
      startup_energy_share: startupJ !== null && energy !== null && energy > 0 ? startupJ / energy : null,
      paused_s: this.pausedS.value,
    };
  }
}

function metric(t: TrialRecord, key: (typeof STUDY_COST_METRICS)[number]): number {
  return recorded(t, key);
}

/** Sum of the finite values added; null when none was (never measured is not 0). */
class Sum {
  value: number | null = null;

  add(v: number): void {
    if (Number.isFinite(v)) this.value = (this.value ?? 0) + v;
  }
}

/** One line for `show`: "31 processes, 412 process-seconds (40 of them paused at rungs), 18.2 kJ; fixed cost before first reports: 61 s, 3.1 kJ (17% of the energy)". */
export function formatStudyCost(c: StudyCostJson): string {
  const paused = c.paused_s !== null && c.paused_s > 0 ? ` (${round(c.paused_s)} of them paused at rungs)` : '';
  const parts = [`${c.processes} process${c.processes === 1 ? '' : 'es'}`, `${round(c.process_seconds)} process-seconds${paused}`];
  if (c.energy_j !== null) parts.push(joules(c.energy_j));
  let line = parts.join(', ');
  if (c.startup_s !== null) {
    const fixed = [`${round(c.startup_s)} s`];
    if (c.startup_energy_j !== null) fixed.push(joules(c.startup_energy_j));
    line += `; fixed cost before first reports: ${fixed.join(', ')}`;
    if (c.startup_energy_share !== null) line += ` (${round(100 * c.startup_energy_share)}% of the energy)`;
  }
  return line;
}

function round(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function joules(j: number): string {
  return j >= 3.6e6 ? `${round(j / 3.6e6)} kWh` : j >= 1000 ? `${round(j / 1000)} kJ` : `${round(j)} J`;
}
