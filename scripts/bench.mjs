// `npm run bench`: bundles scripts/bench/main.ts and runs it, with a throwaway CA for the real Prosody
// its send-path benchmark starts (the host must be built: npm run build).
import { build } from 'esbuild';
import { runWithTestCa } from './test-ca.mjs';

await build({ entryPoints: ['scripts/bench/main.ts'], outfile: 'dist/bench/main.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
process.exit(runWithTestCa('dist/bench/main.js', process.argv.slice(2)));
