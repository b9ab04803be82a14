// A dropped network at any step of signing in or resuming costs a reconnect, nothing more: the XMPP
// mechanism on Prosody, its connection cut after each number of the server's replies in turn (in the
// TLS handshake, mid-SCRAM, before the bind, before <enabled/>, mid-resumption), comes back active every
// time; a right password is never reported refused, nothing of one connection acts on the next, and a
// message sent meanwhile arrives once.
import { afterEach, expect, it } from 'vitest';
import { xmppBehindProxy, type XmppBehindProxy } from '../harness/xmpp-behind-proxy';

let world: XmppBehindProxy | undefined;
afterEach(async () => {
  if (!world) return;
  await world.mechanism.stop();
  await world.peer.offline();
  await world.proxy.close();
  await world.server.stop();
  world = undefined;
});

/** More replies than a sign-in takes (stream, STARTTLS, TLS, SASL, restart, bind, enable). */
const STEPS = 16;

it('comes back from a cut at every step of signing in and of resuming, with the password never refused', async () => {
  const w = (world = await xmppBehindProxy());
  const { proxy, rec, mechanism, other, peer } = w;
  const active = (what: string) => rec.until(() => rec.statuses.at(-1)?.state === 'active', 40_000, what);
  await mechanism.start();
  await active('active at first');
  for (let step = 1; step <= STEPS; step++) {
    // The next connection (the one that resumes the session) is cut after `step` replies; the one
    // after that (a fresh sign-in once resumption was cut) after `step` replies too.
    const before = rec.statuses.length;
    proxy.cutNextAfter(step);
    proxy.cut();
    await rec.until(() => rec.statuses.slice(before).some((s) => s.state === 'connecting'), 20_000, `cut ${step} noticed`);
    await active(`active again after a cut at step ${step}`);
    expect(rec.statuses.slice(before).filter((s) => s.state === 'inactive'), `statuses after a cut at step ${step}`).toEqual([]);
    expect(await mechanism.send(other.jid, { id: `step-${step}`, body: `after a cut at step ${step}` })).toEqual({ ok: true, level: 'accepted' });
  }
  expect(rec.logs.filter((l) => /refused|second|conflict/.test(l))).toEqual([]);
  await peer.receive((b) => b === `after a cut at step ${STEPS}`);
  for (let step = 1; step <= STEPS; step++) expect(peer.received.filter((m) => m.body === `after a cut at step ${step}`), `copies of message ${step}`).toHaveLength(1);
}, 240_000);
