// Node side of optuna_lcbench.py: Python drives the Optuna study and asks this side for learning curves.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Params } from '../../src/shared/types.js';
import type { ParamSpec } from '../../src/main/engine/study/types.js';
import type { RunResult } from './nightshift.js';
import { LCBENCH_SPACE, MIN_EPOCH } from './space.js';
import { MAX_EPOCH, type LcbenchSurrogate } from './surrogate.js';

export type OptunaMethod = 'optuna-tpe-median' | 'optuna-tpe-hyperband' | 'optuna-random';

type FromPython =
  | { op: 'curve'; params: Params }
  | { op: 'done'; trajectory: [number, number][]; trials: number; seconds: number }
  | { op: 'error'; error: string };

export class OptunaLcbench {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly queue: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private stderr = '';
  private exited = false;

  constructor(benchDir: string, python = '/usr/bin/python3') {
    this.proc = spawn(python, [path.join(benchDir, 'optuna_lcbench.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (line) => this.deliver(line));
    this.proc.on('exit', () => {
      this.exited = true;
      this.deliver(null);
    });
  }

  private deliver(line: string | null): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(line);
    } else if (line !== null) this.queue.push(line);
  }

  private async next(): Promise<FromPython> {
    const line = this.queue.shift() ?? (this.exited ? null : await new Promise<string | null>((resolve) => (this.waiter = resolve)));
    if (line === null) throw new Error(`the Optuna bridge exited: ${this.stderr}`);
    return JSON.parse(line) as FromPython;
  }

  async run(method: OptunaMethod, task: string, seed: number, surrogate: LcbenchSurrogate, epochBudget: number): Promise<RunResult> {
    const space = Object.fromEntries(Object.entries(LCBENCH_SPACE).map(([name, p]) => [name, bridgeParam(p)]));
    this.proc.stdin.write(
      JSON.stringify({ op: 'run', method: method.slice('optuna-'.length), seed, budget: epochBudget, min_epoch: MIN_EPOCH, max_epoch: MAX_EPOCH, space }) + '\n',
    );
    for (;;) {
      const msg = await this.next();
      if (msg.op === 'curve') {
        const curve = await surrogate.curve(task, msg.params);
        this.proc.stdin.write(JSON.stringify({ curve: Array.from(curve) }) + '\n');
      } else if (msg.op === 'done') {
        return { trajectory: msg.trajectory, trials: msg.trials, configs: msg.trials, decideSeconds: msg.seconds };
      } else {
        throw new Error(msg.error);
      }
    }
  }

  close(): void {
    this.proc.stdin.end(JSON.stringify({ op: 'exit' }) + '\n');
  }
}

function bridgeParam(p: ParamSpec): { type: 'float' | 'int'; low: number; high: number; log: boolean } {
  if (p.type === 'categorical') throw new Error('LCBench has no categorical parameters');
  return { type: p.type, low: p.low, high: p.high, log: p.log };
}
