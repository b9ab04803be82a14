// `npm start`: builds (unless given --no-build), then opens Switchboard in Electron when its binary is
// here, otherwise starts the browser host and prints the address to open, saying why. Ctrl+C stops
// the app and waits for it; the app dying is said in one line, and we exit with its code.
import fs from 'node:fs';
import { electronBinary } from './electron-binary.mjs';
import { howItEnded, onStopSignal, startChild, stopChild, sweepGroup } from './children.mjs';

if (process.argv.includes('--no-build')) {
  if (!fs.existsSync('dist/host/main.js')) {
    console.error('dist/ is not built, so --no-build cannot be used: run npm run build first, or leave out --no-build.');
    process.exit(1);
  }
} else {
  await import('./build.mjs');
}
const electron = electronBinary();
const [name, command, args] = electron.ok ? ['Switchboard (Electron)', electron.path, ['.']] : ['The Switchboard browser host', process.execPath, ['dist/host/main.js']];
if (!electron.ok) {
  console.log(`${electron.reason}\nStarting the browser host instead: the same Switchboard, shown in your browser.`);
}
const child = startChild(command, args);
let stopping = false;
onStopSignal(async (signal) => {
  stopping = true;
  await stopChild(child, signal, 10_000);
});
child.on('exit', async (code, signal) => {
  if (stopping && signal === 'SIGKILL') console.error(`${name} did not stop within 10 s, so it was killed.`);
  // Electron exits with 0 when its window is closed: that is no failure.
  else if (!stopping && (signal || code !== 0)) console.error(`${name} stopped unexpectedly (${howItEnded(code, signal)}).`);
  await sweepGroup(child.pid);
  // Stopped by the signal we passed on, as asked: that is success too.
  process.exit(code ?? (stopping && signal !== 'SIGKILL' ? 0 : 1));
});
