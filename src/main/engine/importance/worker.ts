// Worker-thread entry of the importance forests (bundled to out/cli/importance-worker.mjs by
// scripts/build-cli.mjs and to out/main/importance-worker.js by electron-vite).
import { serveTasks } from '../task-worker.js';
import { runImportanceTask } from './report.js';

serveTasks(runImportanceTask);
