// CPU package energy from Linux powercap (Intel RAPL; AMD Zen exposes the same files through intel-rapl too).
//
// energy_uj is a counter that wraps at max_energy_range_uj — typically 262143328850 µJ (~262 kJ), which a
// 200 W package crosses every ~22 minutes. The meter reads it every sampling interval (500 ms by default),
// far more often than any wrap, so one wrap between reads is the normal case and is undone exactly. Several
// wraps between two reads only happen when the engine itself was not running (suspend, SIGSTOP, a debugger):
// then the number of wraps is chosen so the implied mean power is closest to the last measured one, never
// above a plausible maximum, and the interval is reported as ambiguous.
//
// Since Linux 5.10, energy_uj is readable by root only (CVE-2020-8694, "Platypus"): EACCES is the common case
// on desktops, and it must surface as "not available, because…", never as 0 J.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export type ReadText = (file: string) => Promise<string>;

export interface RaplZone {
  dir: string;
  name: string;
  maxRangeUj: number;
}

export interface RaplDelta {
  joules: number;
  /** More than one wrap may have happened; joules is a best guess. */
  ambiguous: boolean;
}

export type RaplProbe = { ok: true; zones: RaplZone[] } | { ok: false; reason: string };

export const DEFAULT_RAPL_ROOT = '/sys/class/powercap';
/** Upper bound used to count wraps: well above any desktop or 2-socket server package (W). */
export const MAX_PLAUSIBLE_PACKAGE_W = 1000;

const defaultRead: ReadText = (f) => readFile(f, 'utf8');

function describeError(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return `${file}: permission denied (readable by root only since Linux 5.10; run as root or \`sudo chmod o+r ${file}\`)`;
  }
  return `${file}: ${(err as Error).message}`;
}

/**
 * Finds the package zones (intel-rapl:N, named package-N). Sub-zones (core, uncore, dram) are skipped:
 * core and uncore are already inside the package counter, and psys would count the package twice.
 */
export async function probeRapl(root = DEFAULT_RAPL_ROOT, read: ReadText = defaultRead): Promise<RaplProbe> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return { ok: false, reason: `${root} does not exist (no powercap driver: not Linux, a VM, or a container without /sys/class/powercap)` };
  }
  const dirs = entries.filter((e) => /^intel-rapl:\d+$/.test(e)).sort();
  if (dirs.length === 0) return { ok: false, reason: `no intel-rapl:N zones under ${root} (CPU without RAPL, or the intel_rapl module is not loaded)` };
  const zones: RaplZone[] = [];
  const problems: string[] = [];
  for (const d of dirs) {
    const dir = path.join(root, d);
    let name = d;
    try {
      name = (await read(path.join(dir, 'name'))).trim();
    } catch {
      // name is informational only
    }
    if (name.startsWith('psys')) continue;
    const maxFile = path.join(dir, 'max_energy_range_uj');
    const energyFile = path.join(dir, 'energy_uj');
    let file = maxFile;
    try {
      const max = Number((await read(maxFile)).trim());
      file = energyFile;
      const e = Number((await read(energyFile)).trim());
      if (!Number.isFinite(max) || max <= 0 || !Number.isFinite(e)) {
        problems.push(`${energyFile}: unreadable value`);
        continue;
      }
      zones.push({ dir, name, maxRangeUj: max });
    } catch (err) {
      problems.push(describeError(file, err));
    }
  }
  if (zones.length === 0) return { ok: false, reason: problems[0] ?? `no package zones under ${root}` };
  return { ok: true, zones };
}

/** Energy between two counter readings, undoing wrap-arounds. Pure, so every case is testable. */
export function unwrapDelta(prevUj: number, curUj: number, maxRangeUj: number, elapsedS: number, expectedW: number | null): RaplDelta {
  const range = maxRangeUj + 1; // the counter runs 0..max_energy_range_uj inclusive
  const base = (((curUj - prevUj) % range) + range) % range;
  const maxUj = Math.max(elapsedS, 0) * MAX_PLAUSIBLE_PACKAGE_W * 1e6;
  const maxWraps = Math.max(0, Math.floor((maxUj - base) / range));
  if (maxWraps === 0) return { joules: base / 1e6, ambiguous: false };
  const expectedUj = (expectedW ?? 0) * elapsedS * 1e6;
  const k = Math.min(maxWraps, Math.max(0, Math.round((expectedUj - base) / range)));
  return { joules: (base + k * range) / 1e6, ambiguous: true };
}

/** Reads the package counters and turns successive readings into joules. */
export class RaplCounter {
  private prev: { t: number; uj: number[] } | null = null;
  private lastW: number | null = null;

  constructor(
    readonly zones: RaplZone[],
    private readonly read: ReadText = defaultRead,
  ) {}

  /** Joules since the previous call (null on the first call or when a read failed). */
  async tick(t: number): Promise<RaplDelta | null> {
    let uj: number[];
    try {
      // An empty read (Number('') is 0) would look like a wrap-around: treat it as a failed read.
      uj = await Promise.all(this.zones.map(async (z) => Number((await this.read(path.join(z.dir, 'energy_uj'))).trim() || NaN)));
    } catch {
      return null;
    }
    if (uj.some((v) => !Number.isFinite(v))) return null;
    const prev = this.prev;
    this.prev = { t, uj };
    if (!prev) return null;
    const elapsedS = (t - prev.t) / 1000;
    let joules = 0;
    let ambiguous = false;
    this.zones.forEach((z, i) => {
      const expectedW = this.lastW === null ? null : this.lastW / this.zones.length;
      const d = unwrapDelta(prev.uj[i] ?? 0, uj[i] ?? 0, z.maxRangeUj, elapsedS, expectedW);
      joules += d.joules;
      ambiguous ||= d.ambiguous;
    });
    if (elapsedS > 0 && !ambiguous) this.lastW = joules / elapsedS;
    return { joules, ambiguous };
  }
}
