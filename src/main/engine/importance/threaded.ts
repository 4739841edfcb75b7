// Importance off the caller's thread. A forest per objective over a few thousand trials takes seconds; on the
// event loop that serves the window, HTTP, WebSocket pushes and the meter's nvidia-smi stream, that is a
// frozen dashboard and a gap in the GPU samples. The API hosts (`serve`, the desktop app) send the plain
// task to the process's one importance worker; the CLI's commands have no such loop and compute inline.
import { bundledWorkerEntry, TaskThread, WorkerUnavailableError } from '../task-thread.js';
import { runImportanceTask, type ImportanceTask, type ObjectiveImportance } from './report.js';

export type ImportanceThread = TaskThread<ImportanceTask, ObjectiveImportance[]>;

let shared: ImportanceThread | null = null;

/** The process's one importance worker, started on first use. */
export function sharedImportanceThread(): ImportanceThread {
  shared ??= new TaskThread('importance', () => bundledWorkerEntry('importance-worker'));
  return shared;
}

/**
 * The task's answer (the same numbers as runImportanceTask, seed for seed) and the thread that computed it:
 * the caller's own (null) only when the worker bundle is missing, a source checkout never built.
 */
export async function importanceOffThread(task: ImportanceTask, thread: ImportanceThread = sharedImportanceThread()): Promise<{ result: ObjectiveImportance[]; threadId: number | null }> {
  try {
    return await thread.run(task);
  } catch (e) {
    if (!(e instanceof WorkerUnavailableError)) throw e;
    return { result: runImportanceTask(task), threadId: null };
  }
}
