// The local executor (trial processes on this machine) against the executor contract.
import { LocalExecutor } from '../../../src/main/engine/executors/index.js';
import { executorContract } from './contract.js';

executorContract('local', false, () => new LocalExecutor());
