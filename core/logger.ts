// A plain logger for the core and its hosts: one line per event on stderr, so stdout stays for what users read.
import type { Logger } from '../shared/mechanism';

export function consoleLogger(prefix = 'switchboard'): Logger {
  const line = (level: string, message: string) => process.stderr.write(`${new Date().toISOString()} ${prefix} ${level} ${message}\n`);
  return { info: (m) => line('info', m), warn: (m) => line('warn', m), error: (m) => line('error', m) };
}
