// Reports of studies: JSON and CSV (./json.ts, ./csv.ts), the self-contained HTML report and its PDF,
// a standalone database holding one study (../storage/copy.ts), and the comparison of several studies.
import { searchTrials } from '../finalists/stage.js';
import { importanceTask } from '../importance/report.js';
import { importanceOffThread } from '../importance/threaded.js';
import type { StoreReader, StudyRecord } from '../storage/types.js';
import { studyReportHtml, type PageOptions } from './html/study.js';
import { buildStudyReport, reportImportanceOptions, type ReportOptions } from './model.js';

export { buildStudyReport, reportImportanceOptions, paramsText, type StudyReport, type BudgetUsed, type Comparison, type ReportOptions } from './model.js';
export { studyReportHtml, energyText, type PageOptions } from './html/study.js';
export { htmlToPdf, findChromium, PdfUnavailableError, CHROMIUM_ARGS } from './pdf.js';
export { copyStudy, CopyStudyError, ReplayClock, type CopyOptions, type CopyResult } from '../storage/copy.js';
export { buildComparison, compareHtml, comparisonJson, compareView, labelInputs, type CompareInput, type ComparedStudy, type StudyComparison } from './compare.js';

/** The HTML report of one study (self-contained, no script). */
export function htmlReport(store: StoreReader, study: StudyRecord, opts: ReportOptions & PageOptions = {}): string {
  return studyReportHtml(buildStudyReport(store, study, opts), opts);
}

/**
 * htmlReport with its importance forests computed in the importance worker thread, for the hosts whose event
 * loop serves a window or HTTP. Trials that finish while the forests grow appear in the report but not yet
 * in its importance, as if it had been asked for a moment earlier.
 */
export async function htmlReportOffThread(store: StoreReader, study: StudyRecord, opts: ReportOptions & PageOptions = {}): Promise<string> {
  // The search's trials, as the report's own importance: finalist runs' overrides may lie outside the space.
  const task = importanceTask(searchTrials(store, study.id), study.searchSpace, study.objectives, reportImportanceOptions(opts));
  const { result } = await importanceOffThread(task);
  return htmlReport(store, study, { ...opts, importance: result });
}
