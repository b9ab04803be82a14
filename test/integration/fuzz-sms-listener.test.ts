// The SMS mechanism's delivery-report listener runs inside the host process, on a loopback port any
// local program (or web page) can reach. Seeded fuzzing of its request lines against the real host
// process: every case is answered with a 4xx or 200, the process never exits, and afterwards a real
// report still marks the page delivered, and the host's settings and database are whole.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFuzzWorld, type FuzzWorld } from '../harness/fuzz-world';
import { badOutcome, gap, method, pathPiece, percent, target, version } from '../harness/fuzz-input';
import { eachBounded, rawExchange } from '../harness/raw-http';

const SEED = 7_202_411;
const CASES = 10_000;
const AT_ONCE = 32;

describe("the SMS mechanism's delivery-report listener, sent garbage", () => {
  let world: FuzzWorld;
  beforeAll(async () => {
    world = await makeFuzzWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  const get = (path: string) => rawExchange(world.smsPort, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${world.smsPort}\r\nConnection: close\r\n\r\n`));

  describe('the reported requests', () => {
    it('GET http://[ is answered 400 and the host goes on', async () => {
      expect((await get('http://[')).status).toBe(400);
      await world.checkWhole('GET http://[ to the listener');
    });

    it('a report whose message id is broken percent-encoding (GET /dlr/<token>/%E0%A4%A) is answered 400', async () => {
      expect((await get(`${world.reportPath}/%E0%A4%A?status=1`)).status).toBe(400);
      expect((await get(`${world.reportPath}/%?status=1`)).status).toBe(400);
      await world.checkWhole('a report with a broken message id');
    });

    it('a request line Node cannot parse is answered 400', async () => {
      expect((await rawExchange(world.smsPort, Buffer.from('GET / HTTP/1.1 extra\r\n\r\n'))).status).toBe(400);
      await world.checkWhole('an unparsable request to the listener');
    });
  });

  it(`is fuzzed with ${CASES} request lines (seed ${SEED}), then still takes a real report`, async () => {
    const { reportPath, smsPort } = world;
    // Report-shaped targets with the right token reach the reading of the message id and the status.
    const report = fc
      .tuple(
        fc.oneof({ weight: 4, arbitrary: fc.constant(reportPath) }, { weight: 1, arbitrary: fc.constantFrom('/dlr', '/dlr/', `${reportPath}x`, reportPath.slice(0, -1), '/DLR') }),
        fc.array(fc.oneof(pathPiece, percent), { maxLength: 6 }).map((p) => `/${p.join('')}`),
        fc.oneof(
          fc.constant(''),
          fc.oneof(fc.constantFrom('1', '2', '4', '8', '16', '', '1.5', '-1', 'NaN', 'Infinity', '1e400', '0x1', '%', '%E0', '1%00'), fc.string({ maxLength: 6 })).map((s) => `?status=${s}`),
          fc.constantFrom('?status=1&status=2', '?', '?&&', '?status', '?%=%'),
        ),
      )
      .map(([prefix, id, query]) => `${prefix}${id}${query}`);
    const cases = fc.sample(
      fc
        .tuple(method, gap, fc.oneof(report, target(smsPort)), gap, version)
        .map(([m, g1, t, g2, v]) => Buffer.from(`${m}${g1}${t}${g2}${v}\r\nHost: 127.0.0.1:${smsPort}\r\nConnection: close\r\n\r\n`)),
      { seed: SEED, numRuns: CASES },
    );
    const show = (b: Buffer) => JSON.stringify(b.toString('latin1')).slice(0, 300);
    const bad: string[] = [];
    const statuses = new Map<string, number>();
    await eachBounded(cases, AT_ONCE, async (raw) => {
      const answer = await world.attempt(show(raw), () => rawExchange(smsPort, raw));
      const key = String(answer.status ?? (answer.waiting ? 'waiting' : 'closed'));
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const why = badOutcome(answer);
      if (why) bad.push(`${why}: ${show(raw)}`);
    });
    await world.checkWhole('fuzzed request lines to the delivery-report listener');
    const seen = JSON.stringify(Object.fromEntries(statuses));
    expect(bad.slice(0, 20), `answers ${seen}`).toEqual([]);
    for (const status of ['200', '400', '404']) expect(statuses.get(status) ?? 0, `answers ${status} among ${seen}`).toBeGreaterThan(0);

    // The listener still does its job: the gateway's real report marks the page delivered.
    expect((await get(world.pageReport)).status).toBe(200);
    await world.ipc.event('messages:changed', (m) => m.id === world.pageId && m.state === 'delivered', 15_000);
  });
});
