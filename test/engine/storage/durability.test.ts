// Power loss: a trial reported complete must still be complete afterwards. That takes WAL with
// synchronous=FULL (the WAL is fsynced at every commit); NORMAL may roll the latest commits back.
// A power cut cannot be staged here, so this pins the settings that give the guarantee on every
// connection that writes (the README documents them and their cost, bench/sqlite-durability.mjs).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { tempDir } from './helpers.js';

describe('durability settings', () => {
  const tmp = tempDir('nightshift-durable-');

  it('writes through WAL with synchronous=FULL', () => {
    const store = openStore(path.join(tmp.dir, 'durable.db'));
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL (0 OFF, 1 NORMAL, 3 EXTRA).
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});
