// The campaigns this process runs (the desktop app or `nightshift serve`): at most one per study.
import { Campaign, type CampaignResult } from '../engine/campaign/campaign.js';
import type { EventSink } from '../engine/campaign/events.js';
import type { StudySpec } from '../engine/study/types.js';
import type { GpuSample, Store } from '../engine/storage/types.js';
import { Meter } from '../engine/metering/index.js';
import { openAnyStudySource } from '../engine/optuna/index.js';
import { nightshiftHome } from '../engine/paths.js';
import { loadSettings, meterOptions } from '../engine/settings.js';
import { ApiFailure } from './failure.js';

interface Active {
  campaign: Campaign;
  done: Promise<CampaignResult>;
  since: number;
}

export class CampaignHost {
  private readonly active = new Map<string, Active>();
  /** One meter for every campaign of this process: GPUs are shared, so attribution must see all trials. */
  private meter: Promise<Meter | null> | null = null;

  constructor(private readonly emit: EventSink) {}

  private sharedMeter(): Promise<Meter | null> {
    this.meter ??= (async () => {
      return Meter.start(meterOptions(loadSettings(nightshiftHome())));
    })().catch((e: unknown) => {
      this.emit({ type: 'log', level: 'warn', message: `metering is off: ${(e as Error).message}` });
      return null;
    });
    return this.meter;
  }

  /** The shared meter's per-GPU series, or null when no campaign has started metering in this process. */
  async liveGpuSamples(): Promise<GpuSample[] | null> {
    const meter = this.meter ? await this.meter : null;
    if (!meter) return null;
    return meter.gpuSeries().flatMap((g) => g.points.map((p) => ({ gpu: g.index, atMs: p.t_ms, powerW: p.power_w, memoryMb: p.mem_used_mb })));
  }

  isActive(study: string): boolean {
    return this.active.has(study);
  }

  since(study: string): number | null {
    return this.active.get(study)?.since ?? null;
  }

  get size(): number {
    return this.active.size;
  }

  names(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Opens and starts the campaign, and returns once it runs (or failed to start: another engine owns the
   * study, the spec changed), so the caller hears about that failure rather than a log line.
   */
  async start(store: Store, spec: StudySpec, artifacts: string): Promise<void> {
    // Awaited before the check below, so nothing yields between the check and registering the campaign.
    const meter = await this.sharedMeter();
    if (this.active.has(spec.name)) throw new ApiFailure('conflict', `a campaign for study "${spec.name}" is already running here`);
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const campaign = Campaign.open({
      store,
      spec,
      artifacts,
      openSource: openAnyStudySource,
      emit: (e) => {
        if (e.type === 'study' && e.study === spec.name && e.state === 'running') started();
        this.emit(e);
      },
    });
    campaign.useMeter(meter);
    const done = campaign.run();
    const entry: Active = { campaign, done, since: Date.now() };
    this.active.set(spec.name, entry);
    const forget = () => {
      if (this.active.get(spec.name) === entry) this.active.delete(spec.name);
    };
    done.then(forget, (e: unknown) => {
      forget();
      this.emit({ type: 'log', level: 'warn', message: `campaign "${spec.name}" failed: ${(e as Error).message}` });
    });
    // Whichever comes first: the campaign is running, or it ended (a failure to start rejects here).
    await Promise.race([running, done.then(() => undefined)]);
  }

  /** Interrupts the campaign (running trials are re-queued) and waits until it has let go of the study. */
  async halt(study: string, reason: string): Promise<CampaignResult> {
    const a = this.active.get(study);
    if (!a) throw new ApiFailure('conflict', `no campaign for study "${study}" is running here`);
    await a.campaign.stop(reason);
    return a.done;
  }

  async stopTrial(study: string, number: number, reason: string): Promise<boolean> {
    const a = this.active.get(study);
    if (!a) throw new ApiFailure('conflict', `no campaign for study "${study}" is running here, so none of its trials is`);
    return a.campaign.stopTrial(number, reason);
  }

  async haltAll(reason: string): Promise<void> {
    await Promise.allSettled(this.names().map((n) => this.halt(n, reason)));
  }
}
