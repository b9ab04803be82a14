// The small chaos drill (issue 8, item 8) inside npm test: 100 messages over XMPP to a real peer on
// Prosody (mod_mam, mod_smacks), Switchboard's connection cut every 2–5 s, the host SIGKILLed twice, quit
// once mid-traffic, and Prosody restarted once. Whatever happens, nothing is lost, nothing arrives twice,
// no state lies, and quitting takes under 2 s.
import { expect, it } from 'vitest';
import { formatReport, runDrill } from '../../scripts/drill/run';

it('through cuts, kills and a server restart: nothing lost, nothing twice, no false state, no listener leak', { timeout: 115_000 }, async () => {
  const report = await runDrill({ messages: 100, kills: 2, serverRestarts: 1, seed: 8, mechanism: 'xmpp', rate: 25, settleSeconds: 60 });
  const table = formatReport(report);
  console.log(table);
  expect(report.accepted, table).toBeGreaterThanOrEqual(100 - report.unanswered);
  expect(
    {
      lost: report.lost,
      duplicates: report.duplicates,
      failedButArrived: report.failedButArrived,
      sentButNotArrived: report.sentButNotArrived,
      wrongIds: report.wrongIds,
      maxListenersWarnings: report.maxListenersWarnings,
      quitsOf2sOrMore: report.quitTimes.filter((ms) => ms >= 2_000).length,
    },
    table,
  ).toEqual({ lost: 0, duplicates: 0, failedButArrived: 0, sentButNotArrived: 0, wrongIds: 0, maxListenersWarnings: 0, quitsOf2sOrMore: 0 });
  expect(report.quitTimes, table).toHaveLength(1);
});
