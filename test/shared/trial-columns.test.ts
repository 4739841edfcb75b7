// The dashboard's trials table: one column per metric, even when a measured metric is also an objective.
import { describe, expect, it } from 'vitest';
import { trialColumns } from '../../src/shared/trial-columns.js';

describe('trials table columns', () => {
  it('shows energy_j once when it is an objective (the demo study)', () => {
    const cols = trialColumns(
      [
        { metric: 'val_accuracy', direction: 'maximize' },
        { metric: 'energy_j', direction: 'minimize' },
      ],
      ['lr', 'units'],
    );
    expect(cols.map((c) => c.key)).toEqual(['number', 'state', 'value.val_accuracy', 'value.energy_j', 'metric.duration_s', 'param.lr', 'param.units']);
    expect(cols.filter((c) => c.label === 'energy_j')).toHaveLength(1);
  });

  it('shows measured energy_j and duration_s beside the objectives otherwise', () => {
    const cols = trialColumns([{ metric: 'loss', direction: 'minimize' }], ['lr']);
    expect(cols.map((c) => [c.key, c.numeric])).toEqual([
      ['number', true],
      ['state', false],
      ['value.loss', true],
      ['metric.energy_j', true],
      ['metric.duration_s', true],
      ['param.lr', false],
    ]);
  });
});
