// The study file's `executor` section: where trials run. `local` (the default) runs them as processes on
// this machine; `slurm` submits each one as a batch job. Shapes are checked here, at load time; that the
// partition exists is asked of the cluster (sinfo) before the first trial starts (executors/index.ts).
import { z } from 'zod';
import { durationSchema, strict } from './spec-schema.js';
import type { ExecutorSpec } from './types.js';

/** Slurm's own time formats: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED. */
const SLURM_TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i;

/** `8h` (a Nightshift duration) or `08:00:00` (Slurm's own format); Slurm gets minutes or its own text. */
const timeSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  if (typeof value === 'string' && SLURM_TIME.test(value.trim()) && /[:-]|^[a-z]/i.test(value.trim())) return value.trim();
  const parsed = durationSchema.safeParse(value);
  if (!parsed.success) {
    ctx.issues.push({ code: 'custom', input: value, message: 'must be a duration such as 2h or 90m, or a Slurm time such as 02:00:00 or 1-00:00:00' });
    return z.NEVER;
  }
  // Slurm rounds a time limit up to whole minutes anyway; say so rather than let 30s become 1 minute silently.
  return String(Math.max(1, Math.ceil(parsed.data / 60)));
});

/** sbatch options Nightshift sets itself: overriding them would run another script or lose the job's files. */
const RESERVED = new Set(['wrap', 'output', 'o', 'error', 'e', 'chdir', 'D', 'job-name', 'J', 'parsable', 'array', 'a', 'requeue', 'no-requeue']);

const word = (what: string, example: string) =>
  z.string().regex(/^[A-Za-z0-9_.+-]+$/, `must be a ${what} name such as ${example} (letters, digits, . _ + -)`);

const slurmSchema = strict({
  type: z.literal('slurm'),
  partition: word('partition', 'gpu').optional(),
  account: word('account', 'mylab').optional(),
  qos: word('QOS', 'normal').optional(),
  time: timeSchema.optional(),
  gres: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*(,[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*)*$/, 'must be a GRES request such as gpu:1 or gpu:a100:2')
    .optional(),
  cpus_per_task: z.int().min(1, 'must be at least 1').optional(),
  mem: z
    .union([z.string(), z.int()])
    .transform((v) => String(v).trim())
    .refine((v) => /^\d+[KMGT]?B?$/i.test(v), 'must be a memory size such as 16G or 4000M (Slurm --mem)')
    .optional(),
  extra_args: z
    .array(
      z
        .string()
        .regex(/^--?[A-Za-z]/, 'each must be an sbatch option such as --constraint=a100')
        .superRefine((arg, ctx) => {
          const name = /^--?([A-Za-z-]+)/.exec(arg)?.[1] ?? '';
          if (RESERVED.has(name)) ctx.addIssue({ code: 'custom', message: `--${name} is set by Nightshift (each trial's job runs its own script and writes to its trial folder); remove it` });
        }),
    )
    .optional(),
  max_jobs: z.int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000').optional(),
  node: z.string().regex(/^\//, 'must be the absolute path of Node.js on the compute nodes, e.g. /opt/node-20/bin/node').optional(),
});

const EXECUTOR_HINT = 'must be local, slurm, or a mapping such as {type: slurm, partition: gpu, gres: "gpu:1"}';

// `executor: slurm` is `{type: slurm}`; a discriminated union reports a mistake inside the slurm mapping
// at its own key (a plain union would only say that no alternative matched).
export const executorSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v),
  z.discriminatedUnion('type', [strict({ type: z.literal('local') }), slurmSchema], { error: EXECUTOR_HINT }),
);

export function normalizeExecutor(raw: z.output<typeof executorSchema> | undefined): ExecutorSpec {
  if (raw === undefined || raw.type === 'local') return { type: 'local' };
  const s = raw;
  return {
    type: 'slurm',
    partition: s.partition ?? null,
    account: s.account ?? null,
    qos: s.qos ?? null,
    time: s.time ?? null,
    gres: s.gres ?? null,
    cpus_per_task: s.cpus_per_task ?? null,
    mem: s.mem ?? null,
    extra_args: s.extra_args ?? [],
    max_jobs: s.max_jobs ?? null,
    node: s.node ?? null,
  };
}
