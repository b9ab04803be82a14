// `npm run screenshots`: the README's pictures, made by the newcomer's end-to-end test (each screen it
// checks with axe, light and dark, is saved to docs/screenshots), so that they show the code as it is.
import { spawnSync } from 'node:child_process';
import { ensureSystem } from './ensure-system.mjs';

ensureSystem();
const run = (command, args, env = {}) => {
  const { status } = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (status !== 0) process.exit(status ?? 1);
};
run('node', ['scripts/build.mjs']);
run('npx', ['playwright', 'test', 'newcomer', '--project=chromium'], { SWITCHBOARD_SCREENSHOTS: 'docs/screenshots' });
console.log('screenshots written to docs/screenshots/');
