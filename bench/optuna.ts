// Node side of bench/optuna_bridge.py: one Python process, one JSON request per line, replies in order.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export type OptunaSamplerName = 'tpe' | 'cmaes' | 'random' | 'nsga2' | 'motpe';

export interface BridgeParam {
  type: 'float' | 'int' | 'categorical';
  low?: number;
  high?: number;
  log?: boolean;
  step?: number | null;
  choices?: (string | number)[];
}

export class OptunaBridge {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(benchDir: string, python = '/usr/bin/python3') {
    this.proc = spawn(python, [path.join(benchDir, 'optuna_bridge.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: `optuna bridge exited with ${code}: ${this.stderr}` }));
    });
  }

  async request<T>(req: Record<string, unknown>): Promise<T> {
    const line = await new Promise<string>((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(JSON.stringify(req) + '\n');
    });
    const reply = JSON.parse(line) as T & { error?: string };
    if (reply.error) throw new Error(reply.error);
    return reply;
  }

  create(sampler: OptunaSamplerName, seed: number, space: Record<string, BridgeParam>, directions: string[]): Promise<unknown> {
    return this.request({ op: 'create', sampler, seed, space, directions });
  }

  ask(): Promise<{ params: Record<string, number | string>; seconds: number; cpu_seconds: number }> {
    return this.request({ op: 'ask' });
  }

  tell(values: number[]): Promise<unknown> {
    return this.request({ op: 'tell', values });
  }

  preload(trials: { params: Record<string, number | string>; values: number[] }[]): Promise<unknown> {
    return this.request({ op: 'preload', trials });
  }

  close(): void {
    this.proc.stdin.end(JSON.stringify({ op: 'exit' }) + '\n');
  }
}
