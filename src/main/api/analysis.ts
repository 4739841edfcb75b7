// The analysis views of the API: comparing studies (from this database, other Nightshift databases or
// Optuna files), parameter importance, the sensitivity follow-up, downloads and a study as a study file.
// Each answer is computed by the same engine function as the CLI command of the same job, so the
// dashboard, `nightshift compare/importance/sensitivity/export` and the reports show the same numbers.
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { CompareView, Download, DownloadFormat, ImportanceJson, SensitivityView, SourceStudy } from '../../shared/analysis.js';
import { searchTrials } from '../engine/finalists/stage.js';
import { importanceTask } from '../engine/importance/report.js';
import { importanceOffThread } from '../engine/importance/threaded.js';
import { pickObjective, SENSITIVITY_SUFFIX, sensitivityEffects, SensitivityError, suggestFromSensitivity } from '../engine/importance/sensitivity.js';
import { openAnyStudySource, OptunaFormatError } from '../engine/optuna/index.js';
import { buildComparison, compareView, htmlReportOffThread, labelInputs, type CompareInput } from '../engine/report/index.js';
import { trialsCsv } from '../engine/report/csv.js';
import { studyExportJson } from '../engine/report/json.js';
import { StoreOpenError } from '../engine/storage/open.js';
import type { StoreReader, StudyRecord } from '../engine/storage/types.js';
import { SearchSpace } from '../engine/study/space.js';
import { studyFileOf } from '../engine/study/to-file.js';
import { ApiFailure } from './failure.js';

/** The database the router has open: studies given without a file come from it, and it is never closed here. */
export interface OpenDatabase {
  store: StoreReader;
  file: string;
}

function missing(store: StoreReader, name: string, file: string): ApiFailure {
  const names = store.listStudies().map((s) => s.name);
  return new ApiFailure('not_found', `no study named "${name}" in ${file} (studies there: ${names.length ? names.join(', ') : 'none'})`);
}

/**
 * Runs `fn` with a store for each file (the open database for its own file, others opened read-only as
 * Nightshift or Optuna files), closing what it opened. A file that is neither is refused with the reason.
 */
function withSources<T>(current: OpenDatabase, files: readonly string[], fn: (storeOf: (file: string) => StoreReader) => T): T {
  const opened = new Map<string, StoreReader>([[current.file, current.store]]);
  const mine: StoreReader[] = [];
  try {
    for (const file of files) {
      if (opened.has(file)) continue;
      let store: StoreReader;
      try {
        store = openAnyStudySource(file);
      } catch (e) {
        if (e instanceof StoreOpenError || e instanceof OptunaFormatError) throw new ApiFailure('invalid_request', e.message, [{ path: 'file', message: e.message }]);
        if ((e as NodeJS.ErrnoException).code === 'SQLITE_CANTOPEN') throw new ApiFailure('not_found', `${file}: no such database file`, [{ path: 'file', message: 'no such file' }]);
        throw e;
      }
      opened.set(file, store);
      mine.push(store);
    }
    return fn((file) => opened.get(file)!);
  } finally {
    for (const s of mine) s.close();
  }
}

/** A file path from a client: relative ones are taken from the open database's folder, as study.create does. */
function resolveFile(current: OpenDatabase, file: string | undefined): string {
  return file ? path.resolve(path.dirname(current.file), file) : current.file;
}

export function sourceStudies(current: OpenDatabase, file: string | undefined): { file: string; studies: SourceStudy[] } {
  const target = resolveFile(current, file);
  return withSources(current, [target], (storeOf) => {
    const store = storeOf(target);
    return { file: target, studies: store.listStudies().map((s) => ({ name: s.name, objectives: s.objectives, counts: store.counts(s.id) })) };
  });
}

export function compareStudies(current: OpenDatabase, refs: readonly { study: string; file?: string }[]): CompareView {
  const resolved = refs.map((r) => ({ name: r.study, file: resolveFile(current, r.file) }));
  return withSources(
    current,
    resolved.map((r) => r.file),
    (storeOf) => {
      const inputs: CompareInput[] = resolved.map(({ name, file }) => {
        const store = storeOf(file);
        const study = store.getStudy(name);
        if (!study) throw missing(store, name, file);
        return { store, study, label: name, source: file };
      });
      labelInputs(inputs, (f) => path.basename(f));
      return compareView(buildComparison(inputs));
    },
  );
}

/** The forests grow in the importance worker thread: with thousands of trials they take seconds (importance/threaded.ts). */
export async function studyImportance(store: StoreReader, study: StudyRecord, metric: string | undefined): Promise<ImportanceJson> {
  const objectives = metric ? study.objectives.filter((o) => o.metric === metric) : study.objectives;
  if (objectives.length === 0) {
    throw new ApiFailure('invalid_request', `study "${study.name}" has no objective "${metric}"; its objectives: ${study.objectives.map((o) => o.metric).join(', ')}`, [
      { path: 'objective', message: 'is not an objective of the study' },
    ]);
  }
  const { result } = await importanceOffThread(importanceTask(searchTrials(store, study.id), study.searchSpace, objectives));
  return { study: study.name, objectives: result };
}

/** The follow-up of `source` as it stands (null before one was started); suggestions on `metric` (default: the first objective). */
export function sensitivityView(store: StoreReader, source: StudyRecord, metric: string | undefined): SensitivityView | null {
  const follow = store.getStudy(source.name + SENSITIVITY_SUFFIX);
  if (!follow) return null;
  const objective = sensitivityObjective(follow.objectives, metric);
  const space = new SearchSpace(follow.searchSpace);
  const effects = sensitivityEffects(store.trials(follow.id), space, follow.objectives);
  return {
    study: follow.name,
    source: source.name,
    objective,
    objectives: follow.objectives,
    state: follow.state,
    stop_reason: follow.stopReason,
    counts: store.counts(follow.id),
    planned: follow.spec?.budget.trials ?? 0,
    effects: effects.map((e) => ({ param: e.param, effect: e.effect, points: e.points.map((p) => ({ ...p, values: { ...p.values } })) })),
    suggestions: suggestFromSensitivity(effects, space, objective),
  };
}

export function sensitivityObjective(objectives: StudyRecord['objectives'], metric: string | undefined) {
  try {
    return pickObjective(objectives, metric);
  } catch (e) {
    if (e instanceof SensitivityError) throw new ApiFailure('invalid_request', e.message, [{ path: 'objective', message: 'is not an objective of the study' }]);
    throw e;
  }
}

/** The file a user downloads: the HTML report (the CLI's `export --format html`), CSV or JSON. */
export async function studyDownload(store: StoreReader, study: StudyRecord, format: DownloadFormat, version: string | undefined): Promise<Download> {
  if (format === 'html') return { filename: `${study.name}.html`, mime: 'text/html;charset=utf-8', text: await htmlReportOffThread(store, study, { version }) };
  const data = studyExportJson(store, study);
  if (format === 'csv') return { filename: `${study.name}.csv`, mime: 'text/csv;charset=utf-8', text: trialsCsv(data.trials) };
  return { filename: `${study.name}.json`, mime: 'application/json', text: JSON.stringify(data, null, 2) + '\n' };
}

/** The study as a study file, for "duplicate and edit": the object and its YAML. */
export function studySource(study: StudyRecord): { study: Record<string, unknown>; yaml: string } {
  // Only a foreign source (an Optuna storage) has no spec; the database the router opens is Nightshift's.
  if (!study.spec) throw new ApiFailure('invalid_request', `study "${study.name}" has no study file to show (it was not created by Nightshift)`);
  const file = studyFileOf(study.spec);
  return { study: file, yaml: toYaml(file) };
}
