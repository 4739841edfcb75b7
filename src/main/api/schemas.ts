// Runtime checks of every request (clients are a web page or another process: never trust their shapes).
// Each schema is tied to the contract's request type, so the two cannot drift apart.
import { z } from 'zod';
import type { ApiMethod, ApiRequest } from '../../shared/api.js';
import { TRIAL_STATES } from '../../shared/types.js';

const name = z.string().min(1, 'must not be empty').max(500);
const number = z.number().int().min(0);
const empty = z.strictObject({});
const paramValue = z.union([z.number(), z.string(), z.boolean()]);
const sortKey = z
  .string()
  .regex(/^(number|state|started_at|ended_at|(value|metric|param)\..+)$/, 'must be number, state, started_at, ended_at, value.<metric>, metric.<name> or param.<name>');

type Schemas = { [M in ApiMethod]: z.ZodType<ApiRequest<M>> };

export const REQUEST_SCHEMAS: Schemas = {
  'db.info': empty,
  'db.open': z.strictObject({ file: name, readonly: z.boolean().optional() }),
  'studies.list': empty,
  'study.summary': z.strictObject({ study: name }),
  'study.trials': z.strictObject({
    study: name,
    offset: number.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    sort: z.strictObject({ key: sortKey, direction: z.enum(['asc', 'desc']) }).optional(),
    filter: z
      .strictObject({
        states: z.array(z.enum(TRIAL_STATES)).optional(),
        text: z.string().max(200).optional(),
        ranges: z.array(z.strictObject({ key: sortKey, min: z.number().optional(), max: z.number().optional(), values: z.array(paramValue).max(1000).optional() })).max(100).optional(),
      })
      .optional(),
  }) as z.ZodType<ApiRequest<'study.trials'>>,
  'study.morning': z.strictObject({
    study: name,
    since: z.union([z.enum(['run', 'study']), z.iso.datetime({ offset: true })], { error: "must be 'run', 'study' or an ISO date-time such as 2026-11-30T07:00:00Z" }).optional(),
  }),
  'study.timeline': z.strictObject({ study: name }),
  'study.export': z.strictObject({ study: name }),
  'study.validate': z.strictObject({ text: z.string().max(4 * 1024 * 1024), format: z.enum(['yaml', 'json']).optional(), file: z.string().max(4096).optional() }),
  'study.create': z.strictObject({ file: z.string().min(1, 'must not be empty').max(4096), study: z.record(z.string(), z.unknown()), start: z.boolean().optional() }),
  'trial.detail': z.strictObject({ study: name, number }),
  'trial.stop': z.strictObject({ study: name, number, reason: z.string().max(500).optional() }),
  'trial.enqueue': z.strictObject({ study: name, params: z.record(z.string(), paramValue) }),
  'campaign.start': z.union([z.strictObject({ file: z.string().min(1).max(4096) }), z.strictObject({ study: name })]),
  'campaign.pause': z.strictObject({ study: name }),
  'campaign.stop': z.strictObject({ study: name, reason: z.string().max(500).optional() }),
  'compare.sources': z.strictObject({ file: z.string().min(1).max(4096).optional() }),
  'studies.compare': z.strictObject({ studies: z.array(z.strictObject({ study: name, file: z.string().min(1).max(4096).optional() })).min(1, 'pick at least one study').max(20, 'compare at most 20 studies') }),
  'study.importance': z.strictObject({ study: name, objective: name.optional() }),
  'study.sensitivity': z.strictObject({ study: name, objective: name.optional() }),
  'sensitivity.start': z.strictObject({ study: name, points: z.number().int().min(2).max(50).optional(), objective: name.optional() }),
  'study.download': z.strictObject({ study: name, format: z.enum(['html', 'csv', 'json']) }),
  'study.source': z.strictObject({ study: name }),
};
