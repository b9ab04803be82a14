// One build for everything: Vite bundles the renderer; esbuild bundles the Electron main process,
// the preload (CommonJS, as the sandbox requires) and the browser host. Output goes to dist/.
import { build as esbuild } from 'esbuild';
import fs from 'node:fs';
import { build as vite } from 'vite';

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
await Promise.all([
  esbuild({ ...node, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.js', format: 'esm', packages: 'external' }),
  esbuild({ ...node, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  esbuild({ ...node, entryPoints: ['host/main.ts'], outfile: 'dist/host/main.js', format: 'esm', packages: 'external' }),
]);
// The sandboxes users' plugins run in are started as files, found in sandbox/ beside the bundle.
for (const dir of ['dist/electron', 'dist/host']) fs.cpSync('core/plugin-host/sandbox', `${dir}/sandbox`, { recursive: true });
console.log('built dist/renderer, dist/electron (main, preload) and dist/host');
