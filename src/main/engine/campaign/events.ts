// Events the engine pushes while a campaign runs (the CLI's progress line, later the API's events).
import type { StudyState, TrialState } from '../../../shared/types.js';

export type EngineEvent =
  | { type: 'study'; study: string; state: StudyState; reason: string | null }
  | { type: 'trial-state'; study: string; number: number; state: TrialState; reason: string | null }
  | { type: 'report'; study: string; number: number; step: number; metrics: Record<string, number> }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export type EventSink = (event: EngineEvent) => void;
