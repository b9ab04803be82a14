// `npm test`: the Debian parts, then build, typecheck, lint (layers included), Electronegativity over
// the Electron shell and page (reviewed findings in electronegativity-allow.json), unit and integration
// tests (Vitest, real Prosody), and end-to-end tests (Playwright in Debian's Chromium; Electron when
// its binary exists). Stops at the first failing step.
import { spawnSync } from 'node:child_process';
import { ensureSystem } from './ensure-system.mjs';

ensureSystem();
const steps = [
  ['build', ['node', 'scripts/build.mjs']],
  ['typecheck', ['npx', 'tsc', '-p', '.']],
  ['lint', ['npx', 'eslint', '.']],
  ['Electron security lint (Electronegativity)', ['node', 'scripts/electronegativity.mjs']],
  ['unit and integration tests', ['npx', 'vitest', 'run']],
  ['end-to-end tests', ['npx', 'playwright', 'test']],
];
for (const [name, [command, ...args]] of steps) {
  console.log(`\n▶ ${name}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\n✖ ${name} failed`);
    process.exit(status ?? 1);
  }
}
console.log('\n✔ all tests passed');
