// A fake powercap tree in a temp dir: same file layout and semantics as /sys/class/powercap.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeRapl, RaplCounter, unwrapDelta } from '../../../src/main/engine/metering/rapl.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

function tree(zones: Record<string, { name: string; max: number; energy: number }>): { root: string; set(zone: string, uj: number): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ns-rapl-'));
  dirs.push(root);
  for (const [zone, z] of Object.entries(zones)) {
    const d = path.join(root, zone);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'name'), `${z.name}\n`);
    writeFileSync(path.join(d, 'max_energy_range_uj'), `${z.max}\n`);
    writeFileSync(path.join(d, 'energy_uj'), `${z.energy}\n`);
  }
  return { root, set: (zone, uj) => writeFileSync(path.join(root, zone, 'energy_uj'), `${uj}\n`) };
}

describe('RAPL', () => {
  it('uses package zones only (sub-zones and psys would count energy twice)', async () => {
    const t = tree({
      'intel-rapl:0': { name: 'package-0', max: 262143328850, energy: 1 },
      'intel-rapl:0:0': { name: 'core', max: 262143328850, energy: 1 },
      'intel-rapl:1': { name: 'package-1', max: 262143328850, energy: 1 },
      'intel-rapl:2': { name: 'psys', max: 262143328850, energy: 1 },
    });
    const p = await probeRapl(t.root);
    expect(p.ok && p.zones.map((z) => z.name)).toEqual(['package-0', 'package-1']);
  });

  it('undoes one wrap exactly and several wraps from the elapsed time and the last measured power', async () => {
    const max = 999_999_999; // 1 kJ range, so wraps come quickly
    const t = tree({ 'intel-rapl:0': { name: 'package-0', max, energy: max - 20_000_000 } });
    const p = await probeRapl(t.root);
    if (!p.ok) throw new Error(p.reason);
    const c = new RaplCounter(p.zones);
    expect(await c.tick(0)).toBeNull(); // first reading
    t.set('intel-rapl:0', 30_000_000); // 100 W for 0.5 s across the wrap: 20 J + 30 J
    const one = await c.tick(500);
    expect(one?.joules).toBeCloseTo(50, 5);
    expect(one?.ambiguous).toBe(false);
    // 35 s at 100 W = 3500 J = 3.5 ranges: three whole wraps plus half a range.
    t.set('intel-rapl:0', (30_000_000 + 3_500_000_000) % (max + 1));
    const many = await c.tick(35_500);
    expect(many?.joules).toBeCloseTo(3500, 3);
    expect(many?.ambiguous).toBe(true);
  });

  it('never counts more wraps than a plausible package power allows', () => {
    // 10 s cannot hold more than 10 kJ (1 kW ceiling), even if the last power suggests more.
    const d = unwrapDelta(0, 100, 999_999_999, 10, 5000);
    expect(d.joules).toBeLessThanOrEqual(10_000);
    expect(unwrapDelta(5, 10, 262143328850, 0.5, null)).toEqual({ joules: 0.000005, ambiguous: false });
  });

  it('reports permission denied as unavailable with the fix, never as 0 J', async () => {
    const t = tree({ 'intel-rapl:0': { name: 'package-0', max: 262143328850, energy: 5 } });
    // Root reads through chmod 000, so the kernel's EACCES (energy_uj is 0400 since Linux 5.10) is produced by
    // the injected reader, exactly as fs.readFile reports it.
    const denied = async (file: string): Promise<string> => {
      if (file.endsWith('energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES', path: file });
      const { readFile } = await import('node:fs/promises');
      return readFile(file, 'utf8');
    };
    const p = await probeRapl(t.root, denied);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reason).toContain(path.join(t.root, 'intel-rapl:0', 'energy_uj'));
      expect(p.reason).toMatch(/permission denied.*root.*chmod o\+r/);
    }
  });

  it.skipIf(process.getuid?.() === 0)('reports a real chmod 000 energy_uj as permission denied (non-root runs only)', async () => {
    const t = tree({ 'intel-rapl:0': { name: 'package-0', max: 262143328850, energy: 5 } });
    chmodSync(path.join(t.root, 'intel-rapl:0', 'energy_uj'), 0o000);
    const p = await probeRapl(t.root);
    expect(!p.ok && p.reason).toMatch(/permission denied/);
  });

  it('says why when there is no powercap at all', async () => {
    const p = await probeRapl('/nonexistent/powercap');
    expect(!p.ok && p.reason).toMatch(/does not exist/);
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ns-rapl-'));
    dirs.push(empty);
    const q = await probeRapl(empty);
    expect(!q.ok && q.reason).toMatch(/no intel-rapl/);
  });
});
