// Anyone on this machine, or any web page through an <img> or a fetch, can send the browser host's port
// anything. Seeded fuzzing of each surface (request lines, headers, WebSocket frames after a valid
// upgrade) against the real host process: every case is answered with a 4xx (or a clean close), the
// process never exits, and afterwards it still serves the page, answers requests, and its settings and
// database are whole.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFuzzWorld, type FuzzWorld } from '../harness/fuzz-world';
import { badOutcome, gap, method, target, version } from '../harness/fuzz-input';
import { eachBounded, frame, openRawWebSocket, rawExchange, textFrame, type ServerFrame } from '../harness/raw-http';

const SEED = 7_202_407;
const CASES = 10_000;
const AT_ONCE = 32;

const bytes = (...parts: (string | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const show = (b: Buffer) => JSON.stringify(b.toString('latin1')).slice(0, 300);

describe('the browser host, sent garbage', () => {
  let world: FuzzWorld;
  beforeAll(async () => {
    world = await makeFuzzWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  const request = (line: string, headers = '') => Buffer.from(`${line}\r\nHost: 127.0.0.1:${world.port}\r\nConnection: close\r\n${headers}\r\n`, 'latin1');

  describe('the reported requests', () => {
    it.each(['/%', '/%E0%A4%A', 'http://['])('GET %s is answered 400 and the host goes on', async (path) => {
      expect((await rawExchange(world.port, request(`GET ${path} HTTP/1.1`))).status).toBe(400);
      await world.checkWhole(`GET ${path}`);
    });

    it.each(['/%', '/%E0%A4%A', 'http://['])('GET %s as a WebSocket upgrade is refused with a 4xx and the host goes on', async (path) => {
      const upgrade = `Origin: ${world.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n`;
      const answer = await rawExchange(world.port, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${world.port}\r\n${upgrade}\r\n`));
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      await world.checkWhole(`the upgrade GET ${path}`);
    });

    it('a request line Node cannot parse is answered 400', async () => {
      expect((await rawExchange(world.port, Buffer.from('GET / HTTP/1.1 extra\r\n\r\n'))).status).toBe(400);
      expect((await rawExchange(world.port, Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${world.port}\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`))).status).toBe(431);
      await world.checkWhole('unparsable requests');
    });
  });

  describe('WebSocket messages', () => {
    it('a malformed request whose id can be read is answered under that id; a binary one is refused in plain words', async () => {
      const ws = await openRawWebSocket(world.port, `/ipc?token=${world.token}`, world.origin);
      const answers = () => ws.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()) as { id: number | null; result: { ok: boolean; error?: { code: string; message: string } } });
      ws.socket.write(textFrame(JSON.stringify({ id: 7, name: 'app:state', payload: {}, extra: true })));
      expect(await ws.until((f) => f.opcode === 1, 10_000)).toBe('matched');
      expect(answers()[0]).toMatchObject({ id: 7, result: { ok: false, error: { code: 'invalid-payload' } } });
      ws.socket.write(frame({ opcode: 2, payload: Buffer.from('{"id":8,"name":"app:state","payload":{}}') }));
      expect(await ws.until(() => answers().length === 2, 10_000)).toBe('matched');
      expect(answers()[1]).toMatchObject({ id: null, result: { ok: false, error: { code: 'invalid-payload', message: expect.stringContaining('binary') } } });
      ws.socket.destroy();
      await world.checkWhole('malformed WebSocket messages');
    });
    it('answers every one of many requests sent at once (reading pauses and resumes)', async () => {
      const ws = await openRawWebSocket(world.port, `/ipc?token=${world.token}`, world.origin);
      ws.socket.write(Buffer.concat(Array.from({ length: 3000 }, (_, id) => textFrame(JSON.stringify({ id, name: 'contacts:list', payload: {} })))));
      const ids = new Set<number>();
      let read = 0;
      const answered = () => {
        for (; read < ws.frames.length; read++) if (ws.frames[read]!.opcode === 1) ids.add((JSON.parse(ws.frames[read]!.payload.toString()) as { id: number }).id);
        return ids.size;
      };
      expect(await ws.until(() => answered() === 3000, 30_000)).toBe('matched');
      ws.socket.destroy();
    });
  });

  describe('the page', () => {
    const directives = (policy: string) => new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!.toLowerCase(), values]));

    it("is served with its meta and header policies both allowing exactly its own WebSocket origin", async () => {
      const res = await fetch(`${world.origin}/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const metas = [...html.matchAll(/<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/gi)].map((m) => m[0]);
      expect(metas, 'one meta Content-Security-Policy').toHaveLength(1);
      expect(html.indexOf(metas[0]!), 'the meta policy comes before any script').toBeLessThan(html.search(/<script\b/i));
      const meta = /content="([^"]*)"/.exec(metas[0]!)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      for (const [where, policy] of [['header', res.headers.get('content-security-policy') ?? ''], ['meta', meta]] as const) {
        const parsed = directives(policy);
        expect(parsed.get('connect-src'), `connect-src in the ${where} policy`).toEqual([`ws://127.0.0.1:${world.port}`]);
        expect(parsed.get('default-src'), `default-src in the ${where} policy`).toEqual(["'none'"]);
        expect(parsed.get('script-src'), `script-src in the ${where} policy`).toEqual(["'self'"]);
        expect(policy, `the ${where} policy`).not.toContain('*');
        expect(policy, `the ${where} policy`).not.toContain('unsafe');
      }
    });
  });

  /** Sends each raw request on its own connection, a few at once; tallies the answers and lists the bad ones. */
  async function exchangeAll(cases: readonly Buffer[]): Promise<{ bad: string[]; statuses: Map<string, number> }> {
    const bad: string[] = [];
    const statuses = new Map<string, number>();
    await eachBounded(cases, AT_ONCE, async (raw) => {
      const answer = await world.attempt(show(raw), () => rawExchange(world.port, raw));
      const key = String(answer.status ?? (answer.waiting ? 'waiting' : 'closed'));
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const why = badOutcome(answer);
      if (why) bad.push(`${why}: ${show(raw)}`);
    });
    return { bad, statuses };
  }

  describe(`fuzzed with ${CASES} cases per surface (seed ${SEED})`, () => {
    it('request lines', async () => {
      const cases = fc.sample(
        fc.tuple(method, gap, target(world.port), gap, version).map(([m, g1, t, g2, v]) => Buffer.from(`${m}${g1}${t}${g2}${v}\r\nHost: 127.0.0.1:${world.port}\r\nConnection: close\r\n\r\n`)),
        { seed: SEED, numRuns: CASES },
      );
      const { bad, statuses } = await exchangeAll(cases);
      await world.checkWhole('fuzzed request lines');
      expect(bad.slice(0, 20), `answers ${JSON.stringify(Object.fromEntries(statuses))}`).toEqual([]);
      expect(statuses.get('400') ?? 0, 'garbage is answered 400').toBeGreaterThan(0);
    });

    it('headers, Host, Origin and Upgrade included', async () => {
      const { port, origin, token } = world;
      /** The header left out `absent` times in 10, else with a value from `usual` (9 times in 10) or anything. */
      const header = (name: string, usual: fc.Arbitrary<string>, absent: number) =>
        fc.oneof(
          { weight: absent * 10, arbitrary: fc.constant('') },
          { weight: (10 - absent) * 9, arbitrary: usual.map((v) => `${name}: ${v}\r\n`) },
          { weight: 10 - absent, arbitrary: anyText.map((v) => `${name}: ${v}\r\n`) },
        );
      const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary-ascii', maxLength: 30 }));
      const hostValue = fc.oneof(
        { weight: 6, arbitrary: fc.constant(`127.0.0.1:${port}`) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(`localhost:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `[::1]:${port}`, '', 'evil.example', `127.0.0.1:${port}, evil.example`, `127.0.0.1:${port} `, `127.0.0.1:${port}\0`),
        },
      );
      const originValue = fc.oneof(
        { weight: 6, arbitrary: fc.constant(origin) },
        { weight: 1, arbitrary: fc.constantFrom('null', 'http://evil.example', `${origin}/`, origin.toUpperCase(), `http://localhost:${port}`, '', 'file://', `${origin}, ${origin}`, `ws://127.0.0.1:${port}`) },
      );
      const cases = fc.sample(
        fc
          .record({
            method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'POST', 'OPTIONS') }),
            target: fc.oneof(
              { weight: 3, arbitrary: fc.constant(`/ipc?token=${token}`) },
              { weight: 3, arbitrary: fc.constantFrom('/', '/ipc', `/ipc?token=${token}&token=x`, '/ipc?token=', '/ipc?token=bad', `/ipc?token=${token}%`, `http://127.0.0.1:${port}/ipc?token=${token}`, '/index.html') },
              { weight: 1, arbitrary: fc.constantFrom('/%', '/%E0%A4%A', 'http://[', `/ipc/%?token=${token}`, '//evil.example/ipc') },
            ),
            host: header('Host', hostValue, 1),
            hostAgain: header('Host', hostValue, 9),
            origin: header('Origin', originValue, 1),
            upgrade: header('Upgrade', fc.oneof({ weight: 6, arbitrary: fc.constant('websocket') }, { weight: 1, arbitrary: fc.constantFrom('WebSocket', 'h2c', 'websocket, h2c', '', 'TLS/1.0') }), 2),
            connection: header('Connection', fc.oneof({ weight: 6, arbitrary: fc.constant('Upgrade') }, { weight: 1, arbitrary: fc.constantFrom('upgrade, keep-alive', 'close', 'keep-alive', '', 'Upgrade, close', 'Upgrade, HTTP2-Settings') }), 1),
            key: header('Sec-WebSocket-Key', fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64')), 1),
            wsVersion: header('Sec-WebSocket-Version', fc.oneof({ weight: 6, arbitrary: fc.constant('13') }, { weight: 1, arbitrary: fc.constantFrom('8', '13, 8', '') }), 1),
            extensions: header('Sec-WebSocket-Extensions', fc.constantFrom('permessage-deflate', 'permessage-deflate; client_max_window_bits=99', 'permessage-deflate; server_max_window_bits', 'x; y=', ';;'), 8),
            protocol: header('Sec-WebSocket-Protocol', fc.constantFrom('', ',', 'a, a', 'chat', 'a b'), 8),
            framing: header('Content-Length', fc.constantFrom('0', '5', '-1', 'abc', '1, 2', '99999999999999999999', '0x10', ' 0'), 9),
            chunked: header('Transfer-Encoding', fc.constantFrom('chunked', 'gzip, chunked', 'chunked, identity', 'x', ''), 9),
            expect: header('Expect', fc.constantFrom('100-continue', 'garbage', ''), 9),
            others: fc.array(
              fc.tuple(fc.oneof(fc.constantFrom('Cookie', 'Referer', 'X-Forwarded-For', 'Forwarded', 'Accept', 'X-Forwarded-Host'), anyText), fc.oneof(anyText, fc.constantFrom('\r\n folded', '\0', 'a\rb', 'a\nb', 'evil.example'))),
              { maxLength: 2, size: 'xsmall' },
            ),
            huge: fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(8_000, 17_000, 70_000) }),
            body: fc.oneof({ weight: 8, arbitrary: fc.constant(new Uint8Array()) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }) }),
          })
          .map((c) =>
            bytes(
              `${c.method} ${c.target} HTTP/1.1\r\n`,
              c.host,
              c.hostAgain,
              c.origin,
              c.upgrade,
              c.connection,
              c.key,
              c.wsVersion,
              c.extensions,
              c.protocol,
              c.framing,
              c.chunked,
              c.expect,
              ...c.others.map(([name, value]) => `${name}: ${value}\r\n`),
              c.huge ? `X-Huge: ${'h'.repeat(c.huge)}\r\n` : '',
              '\r\n',
              c.body,
            ),
          ),
        { seed: SEED + 1, numRuns: CASES },
      );
      const { bad, statuses } = await exchangeAll(cases);
      await world.checkWhole('fuzzed headers');
      expect(bad.slice(0, 20), `answers ${JSON.stringify(Object.fromEntries(statuses))}`).toEqual([]);
      // The generator reaches every gate: refusals of each kind, and upgrades that succeed.
      for (const status of ['101', '200', '400', '401', '403', '404', '421']) expect(statuses.get(status) ?? 0, `answers ${status} among ${JSON.stringify(Object.fromEntries(statuses))}`).toBeGreaterThan(0);
    });

    it('WebSocket frames after a valid, authenticated upgrade', async () => {
      const SENTINEL = 2 ** 40;
      const readOnly = ['app:state', 'contacts:list', 'messages:list', 'mechanisms:list', 'accounts:kinds', 'delivery:managers', 'delivery:prompts', 'diagnostics:list', 'strangers:list'];
      const anyBytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));
      const envelope = fc
        .record(
          {
            id: fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, '1', null, 2 ** 53, Number.MAX_VALUE)),
            name: fc.oneof(fc.constantFrom(...readOnly), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 120 })),
            payload: fc.jsonValue({ maxDepth: 3 }),
            extra: fc.jsonValue({ maxDepth: 1 }),
          },
          { requiredKeys: [] },
        )
        .map((e) => JSON.stringify(e));
      const text = fc.oneof(
        envelope,
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc.constantFrom('null', '[]', '{}', '"x"', '1', '{"id":1}', '{"id":1,"name":"app:state"}', '{"__proto__":{"id":1},"id":2,"name":"app:state","payload":{}}', `${'['.repeat(20_000)}${']'.repeat(20_000)}`),
      );
      const piece: fc.Arbitrary<readonly Buffer[]> = fc.oneof(
        // garbage bytes where a frame should be
        anyBytes(64).map((b) => [b]),
        // well-formed frames carrying garbage, whole or split at random points (the most, as they reach the answers)
        {
          weight: 12,
          arbitrary: fc.tuple(text, fc.array(fc.nat(), { maxLength: 3 })).map(([t, cuts]) => {
            const whole = textFrame(t);
            const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
            return [0, ...at].map((from, i) => whole.subarray(from, at[i] ?? whole.length)).filter((b) => b.length);
          }),
        },
        // text frames that are not UTF-8, binary frames
        anyBytes(40).map((b) => [frame({ opcode: 1, payload: Buffer.concat([b, Buffer.from([0xc3, 0x28, 0xff])]) })]),
        fc.oneof(anyBytes(40), text.map((t) => Buffer.from(t))).map((b) => [frame({ opcode: 2, payload: b })]),
        // reserved opcodes and bits, unmasked client frames
        fc.tuple(fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15), anyBytes(20)).map(([opcode, payload]) => [frame({ opcode, payload })]),
        fc.tuple(fc.integer({ min: 1, max: 7 }), text).map(([rsv, t]) => [frame({ opcode: 1, rsv, payload: Buffer.from(t) })]),
        text.map((t) => [frame({ opcode: 1, masked: false, payload: Buffer.from(t) })]),
        // fragments: a message in parts (with a ping between), a continuation with no start, a new message before the last ended, a fragmented ping
        fc.tuple(envelope, fc.nat(), fc.boolean()).map(([t, cut, ping]) => {
          const b = Buffer.from(t);
          const at = cut % (b.length + 1);
          return [frame({ opcode: 1, fin: false, payload: b.subarray(0, at) }), ...(ping ? [frame({ opcode: 9, payload: Buffer.from('p') })] : []), frame({ opcode: 0, payload: b.subarray(at) })];
        }),
        text.map((t) => [frame({ opcode: 0, payload: Buffer.from(t) })]),
        text.map((t) => [frame({ opcode: 1, fin: false, payload: Buffer.from(t) }), frame({ opcode: 1, payload: Buffer.from(t) })]),
        anyBytes(10).map((b) => [frame({ opcode: 9, fin: false, payload: b })]),
        // control frames: a ping over 125 bytes, close frames with bad codes or reasons, a pong nobody asked for
        fc.constant([frame({ opcode: 9, payload: Buffer.alloc(126, 1) })]),
        fc.tuple(fc.constantFrom(0, 999, 1004, 1005, 1006, 1016, 2999, 5000, 65_535), fc.oneof(fc.string({ maxLength: 20 }).map((s) => Buffer.from(s)), fc.constant(Buffer.from([0xff, 0xfe])))).map(([code, reason]) => {
          const payload = Buffer.alloc(2 + reason.length);
          payload.writeUInt16BE(code);
          reason.copy(payload, 2);
          return [frame({ opcode: 8, payload })];
        }),
        fc.constant([frame({ opcode: 8, payload: Buffer.from([3]) })]),
        anyBytes(20).map((b) => [frame({ opcode: 10, payload: b })]),
        // huge lengths claimed with a few bytes sent
        fc.tuple(fc.constantFrom(1_048_577n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n), fc.constantFrom(0, 1, 2, 8)).map(([claimedLength, opcode]) => [frame({ opcode, claimedLength, payload: Buffer.from('x') })]),
      );
      const cases = fc.sample(fc.array(piece, { minLength: 1, maxLength: 3 }).map((pieces) => pieces.flat()), { seed: SEED + 2, numRuns: CASES });
      // A few whole messages just over the limit, which is too big to draw 10,000 times.
      cases.push(...[0, 1].map((extra) => [frame({ opcode: 1, payload: Buffer.alloc(1024 * 1024 + 1 + extra, 0x20) })]));

      const okCloseCodes = new Set([1000, 1002, 1003, 1007, 1008, 1009]);
      const bad: string[] = [];
      const outcomes = new Map<string, number>();
      const errorCodes = ['unknown-request', 'invalid-payload', 'not-found', 'internal'];
      let refusals = 0;
      const checkFrame = (f: ServerFrame): string | undefined => {
        if (f.opcode === 8) return f.payload.length >= 2 && !okCloseCodes.has(f.payload.readUInt16BE(0)) ? `closed with ${f.payload.readUInt16BE(0)}` : undefined;
        if (f.opcode === 9 || f.opcode === 10) return undefined;
        if (f.opcode !== 1) return `a frame with opcode ${f.opcode}`;
        let m: { id?: unknown; result?: { ok?: unknown; error?: { code?: unknown; message?: unknown } }; event?: unknown };
        try {
          m = JSON.parse(f.payload.toString('utf8'));
        } catch {
          return `an answer that is not JSON: ${f.payload.toString('utf8').slice(0, 100)}`;
        }
        if (typeof m.event === 'string') return undefined;
        if (!(m.id === null || typeof m.id === 'number') || typeof m.result?.ok !== 'boolean') return `an answer of the wrong shape: ${JSON.stringify(m).slice(0, 200)}`;
        if (m.id === SENTINEL && m.result.ok !== true) return `the well-formed request after the garbage failed: ${JSON.stringify(m.result)}`;
        if (!m.result.ok && (!errorCodes.includes(String(m.result.error?.code)) || typeof m.result.error?.message !== 'string')) return `an error without a code or message: ${JSON.stringify(m.result)}`;
        if (!m.result.ok) refusals++;
        return undefined;
      };
      const sentinel = textFrame(JSON.stringify({ id: SENTINEL, name: 'app:state', payload: {} }));
      const answersSentinel = (f: ServerFrame) => f.opcode === 1 && f.payload.includes(`"id":${SENTINEL},`);

      await eachBounded(cases, AT_ONCE, async (pieces) => {
        const label = pieces.map((p) => show(p)).join(' + ');
        await world.attempt(label, async () => {
          const ws = await openRawWebSocket(world.port, `/ipc?token=${world.token}`, world.origin);
          for (const p of pieces) ws.socket.write(p);
          ws.socket.write(sentinel);
          const how = await ws.until(answersSentinel, 2_000);
          outcomes.set(how, (outcomes.get(how) ?? 0) + 1);
          ws.socket.destroy();
          for (const f of ws.frames) {
            const why = checkFrame(f);
            if (why) bad.push(`${why}: after ${label.slice(0, 300)}`);
          }
        });
      });
      await world.checkWhole('fuzzed WebSocket frames');
      expect(bad.slice(0, 20), `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`).toEqual([]);
      // Both ends were reached: garbage that is answered (then the request after it), and garbage that closes.
      expect(outcomes.get('matched') ?? 0).toBeGreaterThan(0);
      expect(refusals, 'garbage answered with an error result').toBeGreaterThan(0);
      expect(outcomes.get('closed') ?? 0).toBeGreaterThan(0);
    });
  });
});
