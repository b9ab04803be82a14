// `npm run drill`: the chaos drill of issue 8 (see scripts/drill/run.ts). Builds (unless given
// --no-build), bundles scripts/drill/main.ts, makes a throwaway CA for the drill's servers, and runs it
// with that CA trusted by the drill's own clients (Switchboard trusts it through its caFile setting).
// Everything the servers write goes in one temporary folder, removed afterwards; the host log is
// copied out first so that the report's path still holds it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { runWithTestCa } from './test-ca.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--no-build');
if (process.argv.includes('--no-build')) {
  if (!fs.existsSync('dist/host/main.js')) {
    console.error('dist/ is not built, so --no-build cannot be used: run npm run build first, or leave out --no-build.');
    process.exit(1);
  }
} else await import('./build.mjs');
await build({ entryPoints: ['scripts/drill/main.ts'], outfile: 'dist/drill/main.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });

process.exit(runWithTestCa('dist/drill/main.js', args, { SB_DRILL_LOGS: path.join(os.tmpdir(), 'sb-drill-logs') }));
