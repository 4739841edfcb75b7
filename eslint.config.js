import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
  {
    // The engine runs unchanged in Electron, the CLI, the server and tests: it must not reach up the layers.
    files: ['src/main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine must not import Electron; put it in src/main/electron.' }],
          patterns: [
            { group: ['electron/*'], message: 'The engine must not import Electron.' },
            { group: ['**/renderer/**', '**/preload/**', '**/electron/**', '**/cli/**', '**/server/**'], message: 'The engine must not import from the layers above it.' },
          ],
        },
      ],
    },
  },
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
