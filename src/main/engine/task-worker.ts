// The worker side of ./task-thread.ts: the entry of a task worker calls serveTasks once with its computation.
import { parentPort, threadId } from 'node:worker_threads';
import type { TaskReply, TaskRequest } from './task-thread.js';

/** The worker side: answers every task with `compute(task)`, or with the error it threw. */
export function serveTasks<T, R>(compute: (task: T) => R): void {
  if (!parentPort) throw new Error('a task worker must run in a worker thread');
  const port = parentPort;
  port.on('message', (req: TaskRequest<T>) => {
    let reply: TaskReply<R>;
    try {
      reply = { id: req.id, ok: true, result: compute(req.task), threadId };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { id: req.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack ?? '' }, threadId };
    }
    port.postMessage(reply);
  });
}
