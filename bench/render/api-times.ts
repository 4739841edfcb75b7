// Where a study page's load goes on the server: each call the page makes, timed through the router on a
// fresh router (cold: nothing read yet) and then again (warm: the read cache and any memo filled, as for
// every later load of an unchanged study), with the size of its JSON answer.
import { ApiRouter } from '../../src/main/api/router.js';
import type { ApiMethod } from '../../src/shared/api.js';

const CALLS: [ApiMethod, (study: string) => unknown][] = [
  ['study.summary', (study) => ({ study })],
  ['study.trials', (study) => ({ study, offset: 0, limit: 50, sort: { key: 'number', direction: 'desc' }, filter: { states: [], text: '' } })],
  ['study.morning', (study) => ({ study, since: 'run' })],
  ['study.timeline', (study) => ({ study })],
];

async function timed(router: ApiRouter, method: ApiMethod, request: unknown): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const r = await router.handle(method, request);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  // The transport serialises the answer too; that is part of what the page waits for.
  const bytes = Buffer.byteLength(JSON.stringify(r.result));
  return { ms: performance.now() - t0, bytes };
}

/** Rows: method, cold ms, warm ms (median of `repeats`), KB. */
export async function apiTimes(db: string, study: string, repeats = 3): Promise<string[][]> {
  const router = new ApiRouter({ db });
  try {
    const rows: string[][] = [];
    for (const [method, req] of CALLS) {
      const cold = await timed(router, method, req(study));
      const warm: number[] = [];
      for (let i = 0; i < repeats; i++) warm.push((await timed(router, method, req(study))).ms);
      warm.sort((a, b) => a - b);
      rows.push([method, cold.ms.toFixed(0), warm[Math.floor(warm.length / 2)]!.toFixed(1), (cold.bytes / 1024).toFixed(1)]);
    }
    return rows;
  } finally {
    await router.close();
  }
}
