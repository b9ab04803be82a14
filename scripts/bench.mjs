// `npm run bench`: bundles scripts/bench/main.ts and runs it.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

await build({ entryPoints: ['scripts/bench/main.ts'], outfile: 'dist/bench/main.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
process.exit(spawnSync(process.execPath, ['dist/bench/main.js'], { stdio: 'inherit' }).status ?? 1);
