// Builds the desktop app: Electron main (src/main/index.ts), preload, and the Svelte renderer.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    // Native and heavy packages load from node_modules at run time (better-sqlite3 needs Electron's ABI build).
    build: {
      externalizeDeps: true,
      // The GP's and the importance forests' worker threads are entries of their own, emitted beside index.js
      // where the engine looks for them.
      rollupOptions: {
        input: {
          index: 'src/main/index.ts',
          'gp-worker': 'src/main/engine/samplers/gp/worker.ts',
          'importance-worker': 'src/main/engine/importance/worker.ts',
        },
      },
    },
  },
  preload: {
    // Sandboxed preloads cannot be ES modules: Electron loads them as CommonJS.
    build: { externalizeDeps: true, rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    plugins: [svelte()],
  },
});
