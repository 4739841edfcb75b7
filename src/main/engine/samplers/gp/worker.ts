// Worker-thread entry of the GP's model-based step (bundled to out/cli/gp-worker.mjs by scripts/build-cli.mjs
// and to out/main/gp-worker.js by electron-vite). Tasks arrive one at a time, in order; each answer carries
// the task's id and this thread's id, so callers (and tests) can tell where the work ran.
import { serveTasks } from '../../task-worker.js';
import { suggestWithModel } from './suggest.js';

serveTasks(suggestWithModel);
