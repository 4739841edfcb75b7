import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
const [entry, ...args] = process.argv.slice(2);
await build({ absWorkingDir: '/work/main', entryPoints: { t: entry }, outdir: '/work/main/out/tmp-lcbench', outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
const r = spawnSync(process.execPath, ['/work/main/out/tmp-lcbench/t.mjs', ...args], { stdio: 'inherit', cwd: '/work/main' });
process.exitCode = r.status ?? 1;
