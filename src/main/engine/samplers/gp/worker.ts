// Worker-thread entry of the GP's model-based step (bundled to out/cli/gp-worker.mjs by scripts/build-cli.mjs
// and to out/main/gp-worker.js by electron-vite). Tasks arrive one at a time, in order; each answer carries
// the task's id and this thread's id, so callers (and tests) can tell where the work ran.
import { parentPort, threadId } from 'node:worker_threads';
import { suggestWithModel } from './suggest.js';
import type { WorkerReply, WorkerRequest } from './worker-client.js';

if (!parentPort) throw new Error('gp-worker must run in a worker thread');
const port = parentPort;

port.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: req.id, ok: true, outcome: suggestWithModel(req.task), threadId };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id: req.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack ?? '' }, threadId };
  }
  port.postMessage(reply);
});
