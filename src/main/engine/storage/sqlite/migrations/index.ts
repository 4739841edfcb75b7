// The schema's history, oldest first. Append a new file for each change; never edit a released one.
import { m001Initial } from './001-initial.js';
import { m002SamplerState } from './002-sampler-state.js';
import { m003Measurements } from './003-measurements.js';
import { m004StudyLease } from './004-study-lease.js';
import { m005Lineage } from './005-lineage.js';
import { m006FinalistRuns } from './006-finalist-runs.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [m001Initial, m002SamplerState, m003Measurements, m004StudyLease, m005Lineage, m006FinalistRuns];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
