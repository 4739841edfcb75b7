// The renderer is linted and type-checked like the rest: `npm run lint` and `npm run typecheck` must fail on
// a mistake planted in a .svelte file. The scripts run for real, in a temporary copy of the project's configs,
// src/renderer and src/shared (node_modules linked), so the tree is never dirtied and the scripts only have
// the renderer to check.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

interface ScriptRun {
  code: number;
  output: string;
}

function npmRun(cwd: string, args: string[]): Promise<ScriptRun> {
  return new Promise((resolve) => {
    // No colours: CI=true makes svelte-check colour its file names, which would split the `file:line` the test reads.
    const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
    execFile('npm', ['run', '--silent', ...args], { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

/** A copy of what the two scripts read: the top-level configs, the renderer, the shared types it imports. */
function projectCopy(): string {
  const dir = tempDir('nightshift-lint-');
  for (const name of readdirSync(ROOT)) {
    if (statSync(path.join(ROOT, name)).isFile()) cpSync(path.join(ROOT, name), path.join(dir, name));
  }
  // The lint config may load local rule modules: copy the folders it imports from.
  const config = readFileSync(path.join(ROOT, 'eslint.config.js'), 'utf8');
  for (const m of config.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const rel = path.relative(ROOT, path.resolve(ROOT, m[1]!));
    const top = rel.split(path.sep)[0]!;
    cpSync(path.join(ROOT, top), path.join(dir, top), { recursive: true });
  }
  for (const sub of ['src/renderer', 'src/shared']) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

async function withCopy<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = projectCopy();
  try {
    return await fn(dir);
  } finally {
    unlinkSync(path.join(dir, 'node_modules'));
    rmSync(dir, { recursive: true, force: true });
  }
}

const PLANTED = 'src/renderer/src/views/Planted.svelte';

interface EslintFileResult {
  filePath: string;
  messages: { ruleId: string | null; message: string; line: number }[];
}

describe('renderer lint and type-check', () => {
  it('npm run lint fails on lint errors planted in a .svelte file, and only there', { timeout: 180_000 }, async () => {
    await withCopy(async (dir) => {
      writeFileSync(
        path.join(dir, PLANTED),
        [
          '<script lang="ts">',
          "  import { readFileSync } from 'node:fs';",
          '  let { label }: { label: string } = $props();',
          '  const unused: number = 1;',
          '  const home: string = process.env.HOME ?? readFileSync("x", "utf8");',
          '</script>',
          '',
          '<p>{label} {home}</p>',
          '{@html label}',
          '',
        ].join('\n'),
      );
      const run = await npmRun(dir, ['lint', '--', '--format', 'json']);
      expect(run.code, run.output).toBe(1);
      const results = JSON.parse(run.output.slice(run.output.indexOf('['))) as EslintFileResult[];
      const withProblems = results.filter((r) => r.messages.length > 0);
      expect(withProblems.map((r) => path.relative(dir, r.filePath))).toEqual([PLANTED]);
      const found = withProblems[0]!.messages.map((m) => `${m.line} ${m.ruleId}`);
      // The TypeScript parser reads <script lang="ts"> (a parse error would have no ruleId), the renderer's
      // import rule and browser-only globals apply to components, and the Svelte rules run on the markup.
      expect(found).toEqual(
        expect.arrayContaining(['2 no-restricted-imports', '4 @typescript-eslint/no-unused-vars', '5 no-undef', '9 svelte/no-at-html-tags']),
      );
      expect(found.every((f) => !f.endsWith(' null')), run.output).toBe(true);
    });
  });

  it('npm run typecheck fails on a type error planted in a .svelte file, and on a Svelte warning', { timeout: 240_000 }, async () => {
    await withCopy(async (dir) => {
      const planted = path.join(dir, PLANTED);
      // A component given a prop of the wrong type, and a wrong assignment in the script.
      writeFileSync(
        planted,
        [
          '<script lang="ts">',
          "  import BudgetBars from './BudgetBars.svelte';",
          '  const count: number = "three";',
          '</script>',
          '',
          '<p>{count}</p>',
          '<BudgetBars budget={42} />',
          '',
        ].join('\n'),
      );
      const typeError = await npmRun(dir, ['typecheck']);
      expect(typeError.code, typeError.output).not.toBe(0);
      expect(typeError.output).toContain('Planted.svelte:3:');
      expect(typeError.output).toContain('Planted.svelte:7:');
      expect(typeError.output).toMatch(/svelte-check found 2 errors and 0 warnings in 1 file/);

      // An image without alt text: the compiler's accessibility warning fails the check too.
      writeFileSync(planted, ['<script lang="ts">', '  let { src }: { src: string } = $props();', '</script>', '', '<img {src} />', ''].join('\n'));
      const warning = await npmRun(dir, ['typecheck']);
      expect(warning.code, warning.output).not.toBe(0);
      expect(warning.output).toContain('Planted.svelte:5:');
      expect(warning.output).toMatch(/svelte-check found 0 errors and 1 warning in 1 file/);
    });
  });
});
