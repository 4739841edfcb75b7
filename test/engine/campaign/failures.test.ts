// Every way a trial can end, in one real campaign: each trial ends in the right state with the right
// reason, and the campaign goes on to the next.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Campaign } from '../../../src/main/engine/campaign/campaign.js';
import { isProcessGroupAlive } from '../../../src/main/engine/runner/groups.js';
import { openStore } from '../../../src/main/engine/storage/open.js';
import { STRATEGIES } from '../../../src/main/engine/campaign/strategy.js';
import { loadStudyFile } from '../../../src/main/engine/study/spec.js';
import { trialDir } from '../../../src/main/engine/paths.js';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { pidAlive } from '../../helpers/procs.js';

describe('a campaign whose trials misbehave', () => {
  it('records each outcome with its reason and keeps going', async () => {
    const dir = tempDir();
    const pidLog = path.join(dir, 'pids.txt');
    const studyFile = path.join(dir, 'modes.yaml');
    writeFileSync(
      studyFile,
      `name: modes
trainer:
  command: [node, ${JSON.stringify(path.join(ROOT, 'test/fixtures/campaign/modes.mjs'))}]
  timeout: 3s
  kill_grace: 300ms
  env: {PID_LOG: ${JSON.stringify(pidLog)}}
search_space:
  mode: {type: categorical, choices: [ok, crash, hang, garbage, noobjective, forkignore]}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: grid}
budget: {trials: 6}
resources: {parallel: 3}
`,
    );
    const spec = loadStudyFile(studyFile, STRATEGIES);
    const store = openStore(path.join(dir, 'x.db'));
    const campaign = Campaign.open({ store, spec, artifacts: dir });
    const result = await campaign.run();
    expect(result.state).toBe('finished');

    const trials = store.trials(campaign.study.id);
    const byMode = Object.fromEntries(trials.map((t) => [t.params.mode as string, t]));
    expect(Object.keys(byMode).sort()).toEqual(['crash', 'forkignore', 'garbage', 'hang', 'noobjective', 'ok']);

    expect(byMode.ok!.state).toBe('complete');
    expect(byMode.ok!.values).toEqual({ score: 0.9 });
    expect(byMode.ok!.metrics.other).toBe(3);

    expect(byMode.crash!.state).toBe('failed');
    expect(byMode.crash!.reason).toMatch(/exit code 3/);
    expect(byMode.crash!.reason).toMatch(/something exploded/);

    expect(byMode.hang!.state).toBe('failed');
    expect(byMode.hang!.reason).toMatch(/timeout/);

    expect(byMode.garbage!.state).toBe('complete');
    expect(byMode.garbage!.values.score).toBe(0.7);
    const garbageDir = trialDir(dir, 'modes', byMode.garbage!.number);
    // Logs are bounded (10 MiB per stream) and the malformed lines are noted, not fatal.
    expect(statSync(path.join(garbageDir, 'stdout.log')).size).toBeLessThan(11 * 1024 * 1024);
    expect(readFileSync(path.join(garbageDir, 'stderr.log'), 'utf8')).toMatch(/malformed report line/);

    expect(byMode.noobjective!.state).toBe('failed');
    expect(byMode.noobjective!.reason).toMatch(/score/);

    expect(byMode.forkignore!.state).toBe('failed');
    expect(byMode.forkignore!.reason).toMatch(/timeout/);
    expect(isProcessGroupAlive(byMode.forkignore!.pgid!)).toBe(false);

    // Nothing any trial started is still running: not the trials, not the children they forked.
    const pids = readFileSync(pidLog, 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(7);
    expect(pids.filter(pidAlive)).toEqual([]);

    expect(store.counts(campaign.study.id)).toMatchObject({ complete: 2, failed: 4, running: 0, queued: 0 });
    expect(existsSync(path.join(trialDir(dir, 'modes', byMode.ok!.number), 'params.json'))).toBe(true);
    store.close();
  });

  it('passes shell-looking values to the trial literally, creating no file', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'argv.jsonl');
    const script = path.join(dir, 'echo-argv.mjs');
    writeFileSync(
      script,
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)) + '\\n');
console.log('@nightshift ' + JSON.stringify({ step: 1, score: 1 }));
`,
    );
    const values = ['1; touch PWNED1', '$(touch PWNED2)', '`touch PWNED3`', "'; touch PWNED4; '", '&& touch PWNED5'];
    const studyFile = path.join(dir, 'shell.yaml');
    writeFileSync(
      studyFile,
      `name: shell
trainer:
  command: [node, echo-argv.mjs, --value, "{v}", "prefix-{v}"]
search_space:
  v: {type: categorical, choices: ${JSON.stringify(values)}}
objectives:
  - {metric: score, direction: maximize}
sampler: {type: grid}
budget: {trials: 5}
`,
    );
    const store = openStore(path.join(dir, 'x.db'));
    const campaign = Campaign.open({ store, spec: loadStudyFile(studyFile, STRATEGIES), artifacts: dir });
    await campaign.run();
    const seen = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(seen.map((a) => a[1]).sort()).toEqual([...values].sort());
    for (const a of seen) expect(a).toEqual(['--value', a[1], `prefix-${a[1]}`]);
    for (let i = 1; i <= 5; i++) {
      expect(existsSync(path.join(dir, `PWNED${i}`))).toBe(false);
      expect(existsSync(path.join(ROOT, `PWNED${i}`))).toBe(false);
    }
    store.close();
  });
});
