import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// What the engine may not import from outside: Electron and the layers above it.
const ENGINE_OUTSIDE = {
  paths: [{ name: 'electron', message: 'The engine must not import Electron; put it in src/main/electron.' }],
  patterns: [
    { group: ['electron/*'], message: 'The engine must not import Electron.' },
    { group: ['**/renderer/**', '**/preload/**', '**/electron/**', '**/cli/**', '**/server/**'], message: 'The engine must not import from the layers above it.' },
  ],
};

// The engine's folders, lowest first. A folder imports only from folders of lower rows, never from its
// own row's other folders nor from above, so no two folders import each other and each can be understood
// (and tested) with only what is below it. `trainers` is a trial program of its own (a child process
// speaking the trial protocol, bundled alone): it imports no other engine folder, and the only parts of it
// the engine imports are its config schema, which the study validator checks built-in trainers against,
// and the protocol of a reused trainer process (worker-protocol.ts, no imports), which executors speak.
const ENGINE_LAYERS = [
  ['trainers'],
  ['study'],
  ['samplers', 'schedulers'],
  ['runner', 'metering', 'storage'],
  // Where a trial runs (local processes, Slurm jobs): built on the runner and metering, used by the campaign.
  ['executors'],
  ['lineage'],
  ['finalists'],
  ['campaign'],
  ['importance'],
  ['report', 'optuna'],
];
const ORDER = ENGINE_LAYERS.map((row) => row.join(' / ')).join(' -> ');

/** no-restricted-imports patterns that keep `folder` from importing its row's other folders and rows above. */
function engineOrder(folder) {
  const row = ENGINE_LAYERS.findIndex((r) => r.includes(folder));
  const higher = ENGINE_LAYERS.slice(row).flat().filter((f) => f !== folder && f !== 'trainers');
  const patterns = higher.map((f) => ({
    group: [`**/${f}/**`],
    message: `Engine folders import downwards only (${ORDER}): ${folder} must not import from ${f}. Move the code down, or let the caller pass it in.`,
  }));
  if (folder !== 'trainers') {
    patterns.push({
      group: [
        '**/trainers/**',
        ...(folder === 'study' ? ['!**/trainers/config.js'] : []),
        ...(folder === 'executors' ? ['!**/trainers/worker-protocol.js'] : []),
      ],
      message: `trainers is a trial program of its own; the engine imports only its config schema (trainers/config.ts, from study/) and its worker protocol (trainers/worker-protocol.ts, from executors/).`,
    });
  }
  return patterns;
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The renderer runs in a sandboxed page: Node's globals exist everywhere else, not there.
  { ignores: ['src/renderer/**'], languageOptions: { globals: { ...globals.node } } },
  // The engine runs unchanged in Electron, the CLI, the server and tests: it must not reach up the layers.
  // Inside it, folders import downwards only (ENGINE_LAYERS above), one block per folder; a folder not
  // listed there yet still gets the outside rule from this first block.
  { files: ['src/main/engine/**/*.ts'], rules: { 'no-restricted-imports': ['error', ENGINE_OUTSIDE] } },
  ...ENGINE_LAYERS.flat().map((folder) => ({
    files: [`src/main/engine/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: ENGINE_OUTSIDE.paths, patterns: [...ENGINE_OUTSIDE.patterns, ...engineOrder(folder)] }] },
  })),
  {
    // Components and rune modules: svelte-eslint-parser for the markup, the TypeScript parser for <script lang="ts">.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**', 'node:*', 'electron'], message: 'The renderer talks only to the API client.' }] }],
    },
  },
);
