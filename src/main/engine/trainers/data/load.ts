import type { DatasetSpec } from '../config.js';
import { loadCsv } from './csv.js';
import type { Dataset } from './dataset.js';
import { loadIdx } from './idx.js';
import { loadMnist } from './mnist.js';

export function loadDataset(spec: DatasetSpec): Dataset {
  switch (spec.kind) {
    case 'mnist':
      return loadMnist();
    case 'csv':
      return loadCsv(spec);
    case 'idx':
      return loadIdx(spec);
  }
}
