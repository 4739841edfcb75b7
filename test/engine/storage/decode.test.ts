// Stored provenance rows decode into the shared type once, where they are read: a row that an older
// version wrote, or a hand edit, reads with the parts it lacks as null or empty, never as a guess.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeProvenance } from '../../../src/main/engine/storage/sqlite/decode.js';
import { openStore, openStoreReader } from '../../../src/main/engine/storage/open.js';
import { makeSpec, tempDir } from './helpers.js';

describe('stored provenance', () => {
  it('reads a partial row with what it has, and nothing invented', () => {
    const p = decodeProvenance(JSON.stringify({ gpu: { source: 'nvidia-smi', baseline_w: { 0: 21.5, 1: 'x' } }, flags: ['short_window', 'from_the_future'], price_per_kwh: 0.25 }));
    expect(p).toEqual({
      gpu: { source: 'nvidia-smi', reason: '', interval_ms: null, baseline_w: { 0: 21.5 }, method: '', memory_source: 'none', energy_by_gpu_j: {}, estimate: false },
      cpu: null,
      grid_intensity_g_per_kwh: null,
      price_per_kwh: 0.25,
      flags: ['short_window'],
      notes: [],
      window: null,
    });
    expect(decodeProvenance('[1, 2]')).toEqual({ gpu: null, cpu: null, grid_intensity_g_per_kwh: null, price_per_kwh: null, flags: [], notes: [], window: null });
    expect(decodeProvenance(JSON.stringify({ gpu: { source: 'a-new-tool' }, window: { start_ms: 5 } })).gpu).toBeNull();
  });

  it('comes back from the database as the meter wrote it, and an old row through the reader too', () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'p.db');
    const store = openStore(file);
    const { study } = store.createStudy(makeSpec('m'), 'h');
    const written = {
      gpu: { source: 'nvidia-smi' as const, reason: '', interval_ms: 200, baseline_w: { 0: 20 }, method: 'integral', memory_source: 'device' as const, energy_by_gpu_j: { 0: 12.5 }, estimate: false },
      cpu: { source: 'rapl' as const, reason: '', method: 'package share', baseline_w: 9.5, estimate: false },
      grid_intensity_g_per_kwh: 350,
      price_per_kwh: 0.3,
      flags: ['throttled' as const],
      notes: ['note'],
      window: { start_ms: 1000, end_ms: 2000 },
    };
    for (const provenance of [written, null]) {
      store.enqueueTrial(study.id, { params: { lr: 0.01, optimizer: 'adam' }, budget: null, lineage: { kind: 'enqueued' } });
      const t = store.claimQueued(study.id, 'test')!;
      store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: 0.5 }, metrics: {}, reason: null, provenance });
    }
    const [first, second] = store.trials(study.id);
    expect(store.provenance(first!.id)).toEqual(written);
    expect(store.provenance(second!.id)).toBeNull();
    store.close();
    // A row as an older version might have left it, written behind the store's back.
    const raw = new Database(file);
    raw.exec(`DROP TRIGGER IF EXISTS trial_provenance_frozen_insert`);
    raw.prepare('INSERT INTO trial_provenance (trial_id, provenance) VALUES (?, ?)').run(second!.id, JSON.stringify({ gpu: { source: 'none', reason: 'no GPU' } }));
    raw.close();
    const reader = openStoreReader(file);
    expect(reader.provenanceOfStudy(study.id).get(second!.id)?.gpu).toMatchObject({ source: 'none', reason: 'no GPU', interval_ms: null });
    reader.close();
    tmp.cleanup();
  });
});
