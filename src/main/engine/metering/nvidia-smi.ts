// One-shot nvidia-smi queries, always asynchronous and bounded: a wedged driver can leave nvidia-smi hanging
// for minutes, and the engine's event loop must not wait for it.
import { execFile } from 'node:child_process';
import { GPU_IDENTITY_FIELDS, parseComputeApps, parseGpuIdentities, type GpuIdentity } from './csv-parse.js';
import { reapedCpu } from './reaped-cpu.js';
import type { ComputeApp } from './types.js';

export type SmiResult = { ok: true; stdout: string } | { ok: false; kind: 'missing' | 'timeout' | 'failed'; message: string };

export function runNvidiaSmi(command: string, args: string[], timeoutMs: number): Promise<SmiResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ ok: true, stdout });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
      if (e.code === 'ENOENT') return resolve({ ok: false, kind: 'missing', message: `${command} not found on PATH` });
      if (e.code === 'EACCES') return resolve({ ok: false, kind: 'failed', message: `${command} is not executable (permission denied)` });
      if (e.killed || e.signal === 'SIGKILL') {
        return resolve({ ok: false, kind: 'timeout', message: `${command} did not answer within ${Math.round(timeoutMs / 1000)} s` });
      }
      const detail = firstLine(stderr) || firstLine(stdout) || e.message;
      resolve({ ok: false, kind: 'failed', message: `${command} failed: ${detail}` });
    });
    reapedCpu.follow(child);
  });
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

export type IdentityResult = { ok: true; gpus: GpuIdentity[] } | { ok: false; kind: 'missing' | 'timeout' | 'failed'; message: string };

export async function queryGpuIdentities(command: string, timeoutMs = 10_000): Promise<IdentityResult> {
  const r = await runNvidiaSmi(command, [`--query-gpu=${GPU_IDENTITY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'], timeoutMs);
  if (!r.ok) return r;
  return { ok: true, gpus: parseGpuIdentities(r.stdout) };
}

export async function queryComputeApps(command: string, timeoutMs: number): Promise<ComputeApp[] | null> {
  const r = await runNvidiaSmi(command, ['--query-compute-apps=gpu_bus_id,pid,used_memory', '--format=csv,noheader,nounits'], timeoutMs);
  return r.ok ? parseComputeApps(r.stdout) : null;
}
