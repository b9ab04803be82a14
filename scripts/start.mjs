// `npm start`: builds, then opens Switchboard in Electron when its binary is here, otherwise starts the
// browser host and prints the address to open, saying why.
import { spawn } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

await import('./build.mjs');
const electron = electronBinary();
const [command, args] = electron.ok ? [electron.path, ['.']] : [process.execPath, ['dist/host/main.js']];
if (!electron.ok) {
  console.log(`${electron.reason}\nStarting the browser host instead: the same Switchboard, shown in your browser.`);
}
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
