// Opening waits out another process's write lock for longer than one busy_timeout: ten engines started at
// once on one file take the lock in turn, and on a loaded machine one of them failed with "database is
// locked" (CI, study-lease-race). Here a real second process holds the write lock past BUSY_TIMEOUT_MS.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { BUSY_TIMEOUT_MS } from '../../../src/main/engine/storage/sqlite/connection.js';
import { ROOT, tempDir } from '../../helpers/cli.js';

const HOLD = `
const Database = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'better-sqlite3'))});
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));
`;

describe('openStore under another process’s write lock', () => {
  it('waits past one busy_timeout until the lock is released, then opens', async () => {
    const file = path.join(tempDir(), 'busy.db');
    openStore(file).close();
    const holder = spawn(process.execPath, ['-e', HOLD, file, String(BUSY_TIMEOUT_MS + 1500)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const exited = new Promise((r) => holder.once('exit', r));
    // openStore blocks this thread while it waits, so the holder's own timer releases the lock meanwhile.
    const store = openStore(file);
    expect(store.listStudies()).toEqual([]);
    store.close();
    expect(await exited).toBe(0);
  }, 60_000);
});
