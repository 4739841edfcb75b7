// Inventory with fake `lspci` and `nvidia-smi` first on PATH, as `nightshift gpus` would see them.
import { afterEach, describe, expect, it } from 'vitest';
import { formatInventory, inventory } from '../../../src/main/engine/metering/index.js';
import { loadScenario, makeFakeGpu, type FakeGpu } from '../../fixtures/fake-gpu/fake-gpu.js';

const savedPath = process.env.PATH;
const fakes: FakeGpu[] = [];
afterEach(() => {
  process.env.PATH = savedPath;
  while (fakes.length) fakes.pop()?.cleanup();
});

function onPath(f: FakeGpu): void {
  fakes.push(f);
  process.env.PATH = `${f.dir}:${savedPath}`;
}

describe('inventory', () => {
  it('lists NVIDIA GPUs from nvidia-smi and other controllers from lspci, and what is measurable', async () => {
    onPath(makeFakeGpu({ ...loadScenario('const-2gpu'), lspci_extra: ['00:02.0 VGA compatible controller: Intel Corporation CoffeeLake-S GT2 [UHD Graphics 630]'] }));
    const inv = await inventory({ raplRoot: '/nonexistent/powercap' });
    const nv = inv.gpus.filter((g) => g.vendor === 'NVIDIA');
    expect(nv).toEqual([
      { index: 0, name: 'NVIDIA RTX A6000', vendor: 'NVIDIA', memory_mb: 49140, driver: '550.54.14', power_limit_w: 300, bus_id: '17:00.0', power_measurable: true },
      { index: 1, name: 'NVIDIA RTX A6000', vendor: 'NVIDIA', memory_mb: 49140, driver: '550.54.14', power_limit_w: 300, bus_id: '65:00.0', power_measurable: true },
    ]);
    // The Intel iGPU comes only from systeminformation reading the fake lspci.
    const intel = inv.gpus.find((g) => /Intel/.test(g.vendor));
    expect(intel).toMatchObject({ index: null, power_measurable: false, bus_id: '00:02.0' });
    expect(inv.capabilities.gpuPower.available).toBe(true);
    expect(inv.capabilities.rapl.available).toBe(false);
    expect(inv.cpu.cores).toBeGreaterThan(0);
    expect(inv.memory_mb).toBeGreaterThan(0);
    const text = formatInventory(inv);
    expect(text).toContain('[0] NVIDIA RTX A6000 — 48.0 GiB, driver 550.54.14, power limit 300 W');
    expect(text).toMatch(/GPU power: yes — nvidia-smi power.draw on 2 GPU\(s\); Intel.*power not measured/);
    expect(text).toMatch(/CPU energy: RAPL not readable — \/nonexistent\/powercap does not exist.*using an estimate from CPU time × 65 W/);
  });

  it('says that nvidia-smi is missing, and that an NVIDIA card is there when lspci shows one', async () => {
    const f = makeFakeGpu(loadScenario('sine-1gpu'));
    onPath(f);
    const inv = await inventory({ nvidiaSmi: 'nvidia-smi-not-installed', raplRoot: '/nonexistent/powercap' });
    expect(inv.capabilities.gpuPower.available).toBe(false);
    const text = formatInventory(inv);
    expect(text).toMatch(/GPU power: not available — nvidia-smi-not-installed not found on PATH \(an NVIDIA GPU is present/);
    expect(text).toMatch(/\[-\] NVIDIA.*\(power not measurable\)/);
  });

  it('reports power.draw [Not Supported] and a failing nvidia-smi', async () => {
    const unsupported = makeFakeGpu({ ...loadScenario('sine-1gpu') });
    unsupported.write({ ...unsupported.scenario, gpus: unsupported.scenario.gpus.map((g) => ({ ...g, overrides: { 'power.draw': '[Not Supported]' } })) });
    onPath(unsupported);
    const a = await inventory({ raplRoot: '/nonexistent' });
    expect(a.capabilities.gpuPower).toEqual({ available: false, reason: 'power.draw is not supported on GPU 0' });
    const failing = makeFakeGpu({ gpus: [], fail: { code: 9, stdout: 'NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.\n' } });
    fakes.push(failing);
    const b = await inventory({ nvidiaSmi: failing.nvidiaSmi, raplRoot: '/nonexistent' });
    expect(b.capabilities.gpuPower.reason).toMatch(/failed: NVIDIA-SMI has failed because it couldn't communicate/);
  });

  it('reports unreadable RAPL with its reason and the fix', async () => {
    const denied = async (file: string): Promise<string> => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES', path: file });
    };
    const { mkdtempSync, mkdirSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const root = mkdtempSync(`${os.tmpdir()}/ns-rapl-`);
    mkdirSync(`${root}/intel-rapl:0`);
    try {
      const inv = await inventory({ nvidiaSmi: '/nonexistent/nvidia-smi', raplRoot: root, readRapl: denied });
      expect(formatInventory(inv)).toContain(`CPU energy: RAPL not readable — ${root}/intel-rapl:0/max_energy_range_uj: permission denied`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
