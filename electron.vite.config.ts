// Builds the desktop app: Electron main (src/main/index.ts), preload, and the Svelte renderer.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    // Native and heavy packages load from node_modules at run time (better-sqlite3 needs Electron's ABI build).
    build: { externalizeDeps: true },
  },
  preload: {
    build: { externalizeDeps: true },
  },
  renderer: {
    plugins: [svelte()],
  },
});
