// Which TF.js backend a built-in trainer trial ran on, as an event of the trial (the trainer leaves
// backend.json in its checkpoint folder).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../storage/types.js';

/** The built-in trainer writes backend.json (which TF.js backend ran, and why others were not used). */
export function recordBackend(store: Store, studyId: number, trialId: number, checkpointDir: string): void {
  const file = path.join(checkpointDir, 'backend.json');
  if (!existsSync(file)) return;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { summary?: unknown };
    store.addEvent(studyId, trialId, 'backend', typeof info.summary === 'string' ? info.summary : JSON.stringify(info));
  } catch {
    // A half-written file from a killed trial is not worth failing the trial over.
  }
}
