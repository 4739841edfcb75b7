// Engine folders import downwards only (eslint.config.js ENGINE_LAYERS): the rule must fire on a planted
// upward or sideways import, allow downward ones, and the engine as it is must obey it.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, from: string): Promise<string[]> {
  const code = `import * as planted from '${from}';\nexport const a = planted;\n`;
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/src/main/engine/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('engine folder order lint rule', () => {
  it('refuses an import from a higher folder, naming both folders and the order', async () => {
    const [message] = await problems('storage/x.ts', '../campaign/campaign.js');
    expect(message).toMatch(/storage must not import from campaign/);
    expect(message).toContain('study -> samplers / schedulers -> runner / metering / storage -> executors -> lineage -> finalists -> campaign');
    // The cycles this rule was written against, each planted again.
    expect(await problems('campaign/x.ts', '../report/index.js')).toHaveLength(1);
    expect(await problems('campaign/x.ts', '../optuna/index.js')).toHaveLength(1);
    expect(await problems('campaign/x.ts', '../importance/index.js')).toHaveLength(1);
    expect(await problems('storage/sqlite/x.ts', '../../lineage/walk.js')).toHaveLength(1);
    expect(await problems('study/x.ts', '../samplers/types.js')).toHaveLength(1);
    expect(await problems('samplers/gp/x.ts', '../../campaign/campaign.js')).toHaveLength(1);
    expect(await problems('finalists/x.ts', '../campaign/campaign.js')).toHaveLength(1);
    expect(await problems('storage/x.ts', '../finalists/stage.js')).toHaveLength(1);
    // Executors sit between the runner they build on and the campaign that uses them.
    expect(await problems('executors/slurm/x.ts', '../../campaign/campaign.js')).toHaveLength(1);
    expect(await problems('runner/x.ts', '../executors/index.js')).toHaveLength(1);
    expect(await problems('campaign/x.ts', '../executors/index.js')).toEqual([]);
  });

  it('refuses imports between folders of the same row', async () => {
    expect(await problems('schedulers/x.ts', '../samplers/types.js')).toHaveLength(1);
    expect(await problems('samplers/x.ts', '../schedulers/types.js')).toHaveLength(1);
    expect(await problems('optuna/x.ts', '../report/index.js')).toHaveLength(1);
    expect(await problems('report/html/x.ts', '../../optuna/index.js')).toHaveLength(1);
    expect(await problems('metering/x.ts', '../storage/types.js')).toHaveLength(1);
  });

  it('keeps the trainers apart: they import no engine folder, and only study imports their config', async () => {
    expect(await problems('trainers/x.ts', '../study/types.js')).toHaveLength(1);
    expect(await problems('study/x.ts', '../trainers/config.js')).toEqual([]);
    expect(await problems('study/x.ts', '../trainers/main.js')).toHaveLength(1);
    expect(await problems('campaign/x.ts', '../trainers/config.js')).toHaveLength(1);
    // The reused-process protocol is the one other shared part, and only executors speak it.
    expect(await problems('executors/x.ts', '../trainers/worker-protocol.js')).toEqual([]);
    expect(await problems('executors/x.ts', '../trainers/worker.js')).toHaveLength(1);
    expect(await problems('campaign/x.ts', '../trainers/worker-protocol.js')).toHaveLength(1);
  });

  it('allows downward and same-folder imports, and still refuses Electron', async () => {
    expect(await problems('campaign/x.ts', '../storage/types.js')).toEqual([]);
    expect(await problems('campaign/x.ts', '../lineage/walk.js')).toEqual([]);
    expect(await problems('campaign/x.ts', '../finalists/stage.js')).toEqual([]);
    expect(await problems('report/x.ts', '../finalists/stage.js')).toEqual([]);
    expect(await problems('report/x.ts', '../campaign/owner.js')).toEqual([]);
    expect(await problems('report/x.ts', '../importance/index.js')).toEqual([]);
    expect(await problems('optuna/x.ts', '../storage/copy.js')).toEqual([]);
    expect(await problems('schedulers/x.ts', '../study/trial-view.js')).toEqual([]);
    expect(await problems('report/html/x.ts', '../model.js')).toEqual([]);
    expect(await problems('storage/x.ts', 'electron')).toHaveLength(1);
    expect(await problems('paths.ts', '../cli/index.js')).toHaveLength(1);
    // A folder not yet placed in the order still may not import Electron.
    expect(await problems('unplaced/x.ts', 'electron')).toHaveLength(1);
  });

  it('holds for the engine as it is', async () => {
    const results = await eslint.lintFiles(['src/main/engine']);
    const found = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}: ${m.message}`));
    expect(found).toEqual([]);
  });
});
