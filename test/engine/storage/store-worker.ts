// A second (third, ...) engine process for concurrency tests, bundled by processes.test.ts.
//   node worker.cjs FILE GO_FILE enqueue STUDY COUNT   -> opens FILE after GO, creates STUDY, enqueues COUNT trials
//   node worker.cjs FILE GO_FILE claim STUDY OWNER     -> claims and completes trials until none is queued
// It prints "ready", waits until GO_FILE exists (so all workers start together), then prints one JSON line.
import { existsSync } from 'node:fs';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { makeSpec } from './helpers.js';

const [file, goFile, command, study, arg] = process.argv.slice(2);
if (file === undefined || goFile === undefined || study === undefined || arg === undefined) throw new Error('usage: FILE GO_FILE CMD STUDY ARG');

const pause = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write('ready\n');
while (!existsSync(goFile)) Atomics.wait(pause, 0, 0, 2);

const store = openStore(file);
const numbers: number[] = [];
if (command === 'enqueue') {
  const { study: s } = store.createStudy(makeSpec(study), 'h');
  for (let i = 0; i < Number(arg); i++) {
    numbers.push(store.enqueueTrial(s.id, { params: { pid: process.pid, i }, budget: null, lineage: { kind: 'enqueued' } }).number);
  }
} else if (command === 'claim') {
  const s = store.getStudy(study);
  if (s === null) throw new Error(`no study ${study}`);
  for (let t = store.claimQueued(s.id, arg); t !== null; t = store.claimQueued(s.id, arg)) {
    numbers.push(t.number);
    store.addReport(t.id, 0, { loss: t.number });
    store.finishTrial(t.id, { state: 'complete', values: { val_accuracy: t.number }, metrics: {}, reason: null });
  }
} else {
  throw new Error(`unknown command ${command}`);
}
store.close();
process.stdout.write(`${JSON.stringify({ pid: process.pid, numbers })}\n`);
