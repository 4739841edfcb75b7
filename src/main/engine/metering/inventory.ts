// What this machine has, and what Nightshift can measure on it (`nightshift gpus`).
//
// systeminformation gives the CPU, memory and non-NVIDIA display controllers, but its graphics() reads
// `lspci` first (absent in most containers: then it reports no GPU at all), runs nvidia-smi with execFileSync
// (blocking, no timeout) and drops fields whose value is 0. So NVIDIA GPUs come from our own bounded,
// asynchronous nvidia-smi query, and systeminformation runs in a short-lived worker thread: the event loop
// stays free, and the module is loaded fresh each time, so it sees the current PATH (it captures PATH at load).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { normalizeBusId, type GpuIdentity } from './csv-parse.js';
import { DEFAULT_CPU_WATTS } from './cpu-energy.js';
import { queryGpuIdentities, type IdentityResult } from './nvidia-smi.js';
import { DEFAULT_RAPL_ROOT, probeRapl, type ReadText } from './rapl.js';
import type { GpuInfo, Inventory } from './types.js';

export interface InventoryOptions {
  nvidiaSmi?: string;
  raplRoot?: string;
  /** Reader for powercap files (tests inject one to produce EACCES, which root cannot get from chmod). */
  readRapl?: ReadText;
  cpuWatts?: number;
  timeoutMs?: number;
}

interface SiController {
  vendor?: string;
  model?: string;
  name?: string;
  busAddress?: string;
  vram?: number | null;
  driverVersion?: string;
}

interface SiResult {
  controllers: SiController[];
  cpu: { manufacturer?: string; brand?: string; cores?: number; physicalCores?: number } | null;
  memTotal: number | null;
  error?: string;
}

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const si = require(workerData.siPath);
Promise.all([workerData.graphics ? si.graphics().catch(() => null) : null, si.cpu().catch(() => null), si.mem().catch(() => null)])
  .then(([g, c, m]) => parentPort.postMessage({ controllers: g ? g.controllers : [], cpu: c, memTotal: m ? m.total : null }))
  .catch((e) => parentPort.postMessage({ controllers: [], cpu: null, memTotal: null, error: String(e) }));
`;

function runSystemInformation(graphics: boolean, timeoutMs: number): Promise<SiResult> {
  const empty: SiResult = { controllers: [], cpu: null, memTotal: null };
  let siPath: string;
  try {
    siPath = createRequire(import.meta.url).resolve('systeminformation');
  } catch {
    return Promise.resolve({ ...empty, error: 'systeminformation is not installed' });
  }
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { siPath, graphics }, env: { ...process.env } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ ...empty, error: `systeminformation did not answer within ${timeoutMs} ms` });
    }, timeoutMs);
    worker.once('message', (msg: SiResult) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(msg);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ...empty, error: err.message });
    });
  });
}

export async function inventory(opts: InventoryOptions = {}): Promise<Inventory> {
  const nvidiaSmi = opts.nvidiaSmi ?? 'nvidia-smi';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ids = await queryGpuIdentities(nvidiaSmi, timeoutMs);
  // A hung nvidia-smi would hang systeminformation's graphics() too; skip it then.
  const [si, rapl] = await Promise.all([
    runSystemInformation(ids.ok || ids.kind !== 'timeout', timeoutMs + 5000),
    probeRapl(opts.raplRoot ?? DEFAULT_RAPL_ROOT, opts.readRapl),
  ]);
  const gpus = mergeGpus(ids, si.controllers);
  const cpuWatts = opts.cpuWatts ?? DEFAULT_CPU_WATTS;
  const cores = si.cpu?.cores ?? os.availableParallelism();
  const model = [si.cpu?.manufacturer, si.cpu?.brand].filter((s) => s && s.trim() !== '').join(' ') || (os.cpus()[0]?.model ?? 'unknown CPU');
  const procOk = process.platform === 'linux';
  return {
    gpus,
    cpu: { model, cores, physical_cores: si.cpu?.physicalCores ?? null },
    memory_mb: si.memTotal !== null ? Math.round(si.memTotal / 1024 / 1024) : Math.round(os.totalmem() / 1024 / 1024),
    capabilities: {
      gpuPower: gpuPowerCapability(ids, gpus),
      rapl: rapl.ok
        ? { available: true, reason: `readable: ${rapl.zones.map((z) => `${z.name} (${z.dir})`).join(', ')}`, zones: rapl.zones.map((z) => z.dir) }
        : { available: false, reason: rapl.reason, zones: [] },
      cpuEstimate: procOk
        ? { available: true, reason: `CPU time of each trial's process tree (/proc) × ${cpuWatts} W package power ÷ ${cores} cores`, watts: cpuWatts }
        : { available: false, reason: 'per-process CPU time is read from /proc, which this OS does not have', watts: cpuWatts },
    },
  };
}

function mergeGpus(ids: IdentityResult, controllers: SiController[]): GpuInfo[] {
  const nvidia: GpuIdentity[] = ids.ok ? ids.gpus : [];
  const out: GpuInfo[] = nvidia.map((g) => ({
    index: g.index,
    name: g.name,
    vendor: 'NVIDIA',
    memory_mb: g.memory_mb,
    driver: g.driver,
    power_limit_w: g.power_limit_w,
    bus_id: g.bus_id,
    power_measurable: g.power_w !== null,
  }));
  const known = new Set(nvidia.map((g) => g.bus_id).filter((b): b is string => b !== null));
  for (const c of controllers) {
    const bus = c.busAddress ? normalizeBusId(c.busAddress) : null;
    if (bus !== null && known.has(bus)) continue;
    if (nvidia.length > 0 && /nvidia/i.test(c.vendor ?? '') && bus === null) continue;
    out.push({
      index: null,
      name: c.name || c.model || 'display controller',
      vendor: c.vendor || 'unknown',
      memory_mb: typeof c.vram === 'number' && c.vram > 0 ? c.vram : null,
      driver: c.driverVersion ?? null,
      power_limit_w: null,
      bus_id: bus,
      power_measurable: false,
    });
  }
  return out;
}

function gpuPowerCapability(ids: IdentityResult, gpus: GpuInfo[]): { available: boolean; reason: string } {
  const others = gpus.filter((g) => g.index === null);
  const otherNote = others.length > 0 ? `; ${others.map((g) => `${g.vendor} ${g.name}`).join(', ')}: power not measured (only NVIDIA GPUs, through nvidia-smi)` : '';
  if (!ids.ok) {
    const lspciNvidia = others.some((g) => /nvidia/i.test(g.vendor));
    const hint = ids.kind === 'missing' && lspciNvidia ? ' (an NVIDIA GPU is present: install the NVIDIA driver utilities)' : '';
    return { available: false, reason: `${ids.message}${hint}${otherNote}` };
  }
  const nv = gpus.filter((g) => g.index !== null);
  if (nv.length === 0) return { available: false, reason: `nvidia-smi reports no GPU${otherNote}` };
  const unsupported = nv.filter((g) => !g.power_measurable);
  if (unsupported.length === nv.length) return { available: false, reason: `power.draw is not supported on ${unsupported.map((g) => `GPU ${g.index}`).join(', ')}${otherNote}` };
  const partial = unsupported.length > 0 ? `; power.draw not supported on ${unsupported.map((g) => `GPU ${g.index}`).join(', ')}` : '';
  return { available: true, reason: `nvidia-smi power.draw on ${nv.length} GPU(s)${partial}${otherNote}` };
}

export function formatInventory(inv: Inventory): string {
  const lines: string[] = [];
  lines.push(`CPU: ${inv.cpu.model}, ${inv.cpu.cores} logical cores${inv.cpu.physical_cores ? ` (${inv.cpu.physical_cores} physical)` : ''}`);
  lines.push(`Memory: ${inv.memory_mb !== null ? `${(inv.memory_mb / 1024).toFixed(1)} GiB` : 'unknown'}`);
  if (inv.gpus.length === 0) lines.push('GPUs: none found');
  else {
    lines.push('GPUs:');
    for (const g of inv.gpus) {
      const parts = [
        g.memory_mb !== null ? `${(g.memory_mb / 1024).toFixed(1)} GiB` : null,
        g.driver ? `driver ${g.driver}` : null,
        g.power_limit_w !== null ? `power limit ${Math.round(g.power_limit_w)} W` : null,
        g.bus_id ? `bus ${g.bus_id}` : null,
      ].filter((p): p is string => p !== null);
      const head = g.index !== null ? `  [${g.index}] ${g.name}` : `  [-] ${g.vendor} ${g.name}`;
      lines.push(`${head}${parts.length ? ` — ${parts.join(', ')}` : ''}${g.power_measurable ? '' : ' (power not measurable)'}`);
    }
  }
  const c = inv.capabilities;
  lines.push('');
  lines.push('What can be measured here:');
  lines.push(`  GPU power: ${c.gpuPower.available ? `yes — ${c.gpuPower.reason}` : `not available — ${c.gpuPower.reason}`}`);
  if (c.rapl.available) lines.push(`  CPU energy: RAPL — ${c.rapl.reason}`);
  else if (c.cpuEstimate.available) lines.push(`  CPU energy: RAPL not readable — ${c.rapl.reason}; using an estimate from CPU time × ${c.cpuEstimate.watts} W`);
  else lines.push(`  CPU energy: not available — ${c.rapl.reason}; ${c.cpuEstimate.reason}`);
  lines.push(`  Memory: peak RSS of each trial's process tree${c.gpuPower.available ? '; peak GPU memory per trial from nvidia-smi' : ''}`);
  return lines.join('\n');
}
