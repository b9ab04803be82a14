// `npm run drill` (bundled and started by scripts/drill.mjs): reads the drill's parameters from flags
// or the environment, runs it, prints the table, and exits non-zero when a counter that must be zero is not.
import { defaultOptions, faults, formatReport, runDrill, type DrillOptions } from './run';
import { mechanisms, type DrillMechanism } from './worlds';

const usage = `Usage: npm run drill -- [--messages N] [--kills K] [--server-restarts R] [--seed S] [--mechanism xmpp|irc|email] [--rate PER_SECOND] [--settle-seconds T]
Each can also be given in the environment: DRILL_MESSAGES, DRILL_KILLS, DRILL_SERVER_RESTARTS, DRILL_SEED, DRILL_MECHANISM, DRILL_RATE, DRILL_SETTLE_SECONDS.`;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at >= 0) return process.argv[at + 1];
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3) ?? process.env[`DRILL_${name.toUpperCase().replaceAll('-', '_')}`];
}

function whole(name: string, fallback: number, min: number): number {
  const given = option(name);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number of at least ${min}; "${given}" is not.\n${usage}`);
    process.exit(2);
  }
  return value;
}

if (process.argv.includes('--help')) {
  console.log(usage);
  process.exit(0);
}
const mechanism = option('mechanism') ?? defaultOptions.mechanism;
if (!(mechanisms as readonly string[]).includes(mechanism)) {
  console.error(`--mechanism must be one of ${mechanisms.join(', ')}; "${mechanism}" is not.\n${usage}`);
  process.exit(2);
}
const options: DrillOptions = {
  messages: whole('messages', defaultOptions.messages, 1),
  kills: whole('kills', defaultOptions.kills, 0),
  serverRestarts: whole('server-restarts', defaultOptions.serverRestarts, 0),
  seed: whole('seed', defaultOptions.seed, 0),
  mechanism: mechanism as DrillMechanism,
  rate: whole('rate', defaultOptions.rate, 1),
  settleSeconds: whole('settle-seconds', defaultOptions.settleSeconds, 1),
  progress: (line) => console.log(`  · ${line}`),
};

console.log(`Chaos drill: ${options.messages} messages over ${options.mechanism}, ${options.kills} host SIGKILLs, ${options.serverRestarts} server restart(s), seed ${options.seed}`);
try {
  const report = await runDrill(options);
  console.log(`\n${formatReport(report)}`);
  const found = faults(report);
  console.log(found.length ? `\n✖ ${found.join('; ')}` : '\n✔ nothing lost, nothing twice, no state that lies');
  process.exit(found.length ? 1 : 0);
} catch (error) {
  console.error(`The drill could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
