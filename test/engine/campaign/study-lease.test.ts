// The study lease on its own: compare-and-set on owner and heartbeat freshness, checked by every claim,
// and released only by the engine that holds it. Two connections to one file stand for two engines.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownerIsDead } from '../../../src/main/engine/campaign/owner.js';
import { STALE_LEASE_MS } from '../../../src/main/engine/campaign/recovery.js';
import { openStore, type SqliteStore } from '../../../src/main/engine/storage/open.js';
import { StudyLeaseLostError, type StudyLeaseHolder } from '../../../src/main/engine/storage/types.js';
import { makeSpec, tempDir } from '../storage/helpers.js';

// Owners on another host: only their heartbeat can tell whether they live, as for a remote engine.
const A = 'elsewhere|101|aaaa';
const B = 'elsewhere|202|bbbb';

describe('study lease', () => {
  let tmp: ReturnType<typeof tempDir>;
  let now: number;
  let a: SqliteStore;
  let b: SqliteStore;
  const live = (h: StudyLeaseHolder) => !ownerIsDead(h.owner, h.heartbeatAt, STALE_LEASE_MS, now);

  beforeEach(() => {
    tmp = tempDir('nightshift-lease-');
    now = Date.parse('2026-03-01T22:00:00.000Z');
    const file = path.join(tmp.dir, 'lease.db');
    a = openStore(file, { clock: () => new Date(now) });
    b = openStore(file, { clock: () => new Date(now) });
  });
  afterEach(() => {
    a.close();
    b.close();
    tmp.cleanup();
  });

  it('goes to one engine while its heartbeat is fresh, and says who holds it since when', () => {
    const { study } = a.createStudy(makeSpec('s'), 'h');
    expect(a.acquireStudyLease(study.id, A, live)).toEqual({ acquired: true });
    now += STALE_LEASE_MS - 1000;
    a.heartbeat(A);
    now += STALE_LEASE_MS - 1000;
    expect(b.acquireStudyLease(study.id, B, live)).toEqual({
      acquired: false,
      holder: { owner: A, heartbeatAt: new Date(now - STALE_LEASE_MS + 1000).toISOString(), since: '2026-03-01T22:00:00.000Z' },
    });
    // The holder may take it again (a resumed run of the same engine).
    expect(a.acquireStudyLease(study.id, A, live)).toEqual({ acquired: true });
  });

  it('passes to another engine once the holder stops heartbeating; the old one can claim nothing more', () => {
    const { study } = a.createStudy(makeSpec('s'), 'h');
    a.enqueueTrial(study.id, { params: { lr: 0.01 }, budget: null, lineage: { kind: 'enqueued' } });
    a.enqueueTrial(study.id, { params: { lr: 0.02 }, budget: null, lineage: { kind: 'enqueued' } });
    a.acquireStudyLease(study.id, A, live);
    expect(a.claimQueued(study.id, A)?.number).toBe(0);
    now += STALE_LEASE_MS + 1;
    expect(b.acquireStudyLease(study.id, B, live)).toEqual({ acquired: true });
    expect(() => a.claimQueued(study.id, A)).toThrow(StudyLeaseLostError);
    expect(b.claimQueued(study.id, B)?.number).toBe(1);
    // The engine that lost the study cannot mark it finished under the one that runs it.
    expect(a.releaseStudyLease(study.id, A, 'finished', 'done')).toBe(false);
    expect(a.getStudy('s')).toMatchObject({ state: 'running', owner: B });
    expect(b.releaseStudyLease(study.id, B, 'finished', 'done')).toBe(true);
    expect(b.getStudy('s')).toMatchObject({ state: 'finished', stopReason: 'done', owner: null, heartbeatAt: null });
  });

  it('is free again once its engine released it', () => {
    const { study } = a.createStudy(makeSpec('s'), 'h');
    a.acquireStudyLease(study.id, A, live);
    a.releaseStudyLease(study.id, A, 'idle', 'interrupted: Ctrl-C');
    expect(b.acquireStudyLease(study.id, B, live)).toEqual({ acquired: true });
  });
});
