// Nightshift's side of the real-training benchmark: the real engine (Campaign, SQLite store, metering,
// trial processes of the built-in TF.js trainer) on one study, stopped once the trials have trained the
// epoch budget. What each trial process cost is read from the events and the finished trial records.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Campaign } from '../../src/main/engine/campaign/campaign.js';
import type { EngineEvent } from '../../src/main/engine/campaign/events.js';
import { STRATEGIES } from '../../src/main/engine/campaign/strategy.js';
import { EnergyLedger, recorded } from '../../src/main/engine/lineage/index.js';
import { LocalExecutor } from '../../src/main/engine/executors/local.js';
import type { WorkerEvent } from '../../src/main/engine/executors/trainer-workers.js';
import { Meter } from '../../src/main/engine/metering/index.js';
import { readSelfChildTicks } from '../../src/main/engine/metering/reaped-cpu.js';
import { CLOCK_TICKS_PER_S } from '../../src/main/engine/metering/proc.js';
import { openStore, openStoreReader } from '../../src/main/engine/storage/open.js';
import { loadStudyFile } from '../../src/main/engine/study/spec.js';
import type { ProcessLog, RunLog } from './report.js';
import { CPU_WATTS, studyYaml, type Problem, type WarmStartFrom } from './space.js';

export type NightshiftVariant = {
  label: string;
  sampler: 'gp' | 'random';
  scheduler: 'asha' | 'hyperband' | 'curve' | 'median' | 'none';
  mode?: 'stop' | 'promote' | 'pause';
  /** false: `trainer.reuse_process: false` (a new trainer process per trial). */
  reuseProcess?: boolean;
  /** `resources.ask_ahead` (false: the sampler asked only when a slot frees). */
  askAhead?: 'auto' | boolean;
  samplerOptions?: string;
  schedulerOptions?: string;
};

/** The study's name in its database `study.db` under the run's folder (a later run may warm-start from it). */
export function studyName(variant: NightshiftVariant, seed: number): string {
  return `realtrain-${variant.label}-${seed}`;
}

export async function runNightshift(
  problem: Problem,
  variant: NightshiftVariant,
  seed: number,
  dir: string,
  log: (m: string) => void,
  warmStart?: WarmStartFrom,
): Promise<RunLog> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'study.yaml');
  const name = studyName(variant, seed);
  writeFileSync(file, studyYaml(problem, { name, sampler: variant.sampler, scheduler: variant.scheduler, mode: variant.mode, seed, warmStart, samplerOptions: variant.samplerOptions, schedulerOptions: variant.schedulerOptions, reuseProcess: variant.reuseProcess, askAhead: variant.askAhead }));
  const store = openStore(path.join(dir, 'study.db'));
  const processes = new Map<number, ProcessLog & { number: number }>();
  const t0 = performance.now();
  const now = (): number => (performance.now() - t0) / 1000;
  let epochs = 0;
  let campaign: Campaign | null = null;
  const emit = (e: EngineEvent): void => {
    if (e.type === 'trial-state' && e.state === 'running') {
      processes.set(e.number, { number: e.number, start: now(), end: null, energy_j: 0, cpu_s: null, reports: [] });
    } else if (e.type === 'report') {
      const p = processes.get(e.number);
      const value = e.metrics[problem.metric];
      if (!p || value === undefined) return;
      p.reports.push({ t: now(), step: e.step, value, energy_j: e.metrics.energy_j ?? null });
      epochs++;
      if (epochs >= problem.epochBudget && campaign) void campaign.stop(`epoch budget of ${problem.epochBudget} trained`);
    } else if (e.type === 'trial-state') {
      const p = processes.get(e.number);
      if (p) p.end = now();
    }
  };
  // Reused trainer processes: each one's life, since it is paid for between its trials too.
  const workers = new Map<number, { start: number; end: number | null }>();
  const onWorker = (e: WorkerEvent): void => {
    const at = (e.at - t0) / 1000;
    if (e.type === 'started') workers.set(e.pid, { start: at, end: null });
    else {
      const w = workers.get(e.pid);
      if (w) w.end = at;
    }
  };
  const meter = await Meter.start({ idleSeconds: 1, cpuWatts: CPU_WATTS });
  const childTicks0 = readSelfChildTicks();
  try {
    campaign = Campaign.open({ store, spec: loadStudyFile(file, STRATEGIES), artifacts: dir, emit, executor: new LocalExecutor({ onWorkerLife: onWorker }), openSource: warmStart ? openStoreReader : undefined });
    campaign.useMeter(meter);
    const started = performance.now();
    await campaign.run();
    const wall = (performance.now() - started) / 1000;
    // The campaign's end retires its processes; wait for them, so their whole lives and CPU are counted.
    for (let i = 0; i < 100 && [...workers.values()].some((w) => w.end === null); i++) await new Promise((r) => setTimeout(r, 50));
    const childTicks1 = readSelfChildTicks();
    const childCpuS = childTicks0 === null || childTicks1 === null ? null : (childTicks1 - childTicks0) / CLOCK_TICKS_PER_S;
    // Energy per trial: its own, not what a promoted trial inherits from its parent (the study's ledger).
    const trials = store.trials(campaign.study.id);
    const ledger = new EnergyLedger(trials);
    for (const t of trials) {
      const p = processes.get(t.number);
      if (!p) continue;
      const recordedJ = recorded(t);
      const own = Number.isNaN(ledger.ownOf(t.number)) ? null : ledger.ownOf(t.number);
      const inherited = (Number.isNaN(recordedJ) ? (own ?? 0) : recordedJ) - (own ?? 0);
      p.energy_j = own ?? 0;
      p.startup_s = t.metrics.startup_s ?? null;
      p.paused_s = t.metrics.paused_s ?? null;
      p.params = t.params;
      for (const r of p.reports) if (r.energy_j !== null) r.energy_j -= inherited;
    }
    const list = [...processes.values()].sort((a, b) => a.number - b.number);
    const lives = [...workers.values()];
    const metered = list.reduce((sum, p) => sum + p.energy_j, 0) / (CPU_WATTS / os.availableParallelism());
    log(
      `${variant.label} seed ${seed}: ${list.length} trials in ${lives.length || list.length} processes, ${epochs} epochs, ${wall.toFixed(0)} s; ` +
        `children's CPU ${childCpuS === null ? '?' : childCpuS.toFixed(1)} s, metered to trials ${metered.toFixed(1)} s`,
    );
    return { method: `nightshift-${variant.label}`, seed, wall_s: wall, epochs, processes: list, ...(lives.length ? { workers: lives } : {}), child_cpu_s: childCpuS };
  } finally {
    await meter.stop();
    store.close();
  }
}
