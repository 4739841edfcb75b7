import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-output/**', '**/*.svelte'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
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
    files: ['src/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**', 'node:*', 'electron'], message: 'The renderer talks only to the API client.' }] }],
    },
  },
);
