// `npm run dist`: packages Switchboard for Linux (AppImage and deb, see electron-builder.yml). It
// packs the Electron binary npm installed (electronDist), so where that binary is missing it stops
// at once with one line saying so, instead of failing deep inside electron-builder's download.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const electron = electronBinary();
// A missing display does not matter here (nothing opens a window); only the binary does.
if (!electron.path) {
  console.error(`npm run dist cannot package Switchboard: ${electron.reason}`);
  process.exit(1);
}

await import('./build.mjs');
const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
const { status } = spawnSync(process.execPath, [cli, '--linux', `--config.electronDist=${path.dirname(electron.path)}`], { stdio: 'inherit' });
process.exit(status ?? 1);
