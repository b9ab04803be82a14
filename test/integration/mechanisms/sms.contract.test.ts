// The mechanism contract against Kannel (bearerbox + smsbox) with fakesmsc as the phone network.
import { describe, expect, it } from 'vitest';
import sms, { alphanumericSender, pageText } from '../../../plugins/sms/index';
import { startKannel } from '../../harness/kannel';
import { mechanismContract } from './contract';

mechanismContract('sms through Kannel', async () => {
  const gateway = await startKannel();
  const phone = '+15550100';
  return {
    plugin: sms(),
    account: { sendsmsUrl: gateway.sendsmsUrl, username: gateway.username, password: gateway.password, senderName: 'Jane Doe' },
    peer: {
      address: '+1 555-0100',
      receive: (match) => gateway.receive((p) => p.to === phone && match(p.text)).then((p) => ({ body: p.text })),
    },
    invalidAddress: 'call me maybe',
    server: { stop: () => gateway.stopSendsms(), start: () => gateway.startSendsms() },
    close: () => gateway.stop(),
  };
});

describe('sms pages', () => {
  it('refuse a gateway reached in clear over the network, where the login would travel unprotected', async () => {
    const { recorder } = await import('../../harness/recorder');
    const rec = recorder({ sendsmsUrl: 'http://sms.example.org/cgi-bin/sendsms', username: 'u', password: 'p' }, []);
    await expect(sms().create(rec.context).start()).rejects.toThrow(/must be https unless the gateway runs on this machine/);
  });

  it('come from an alphanumeric sender of at most 11 characters, with a shortened text', () => {
    expect(alphanumericSender('Jane Doe')).toBe('Jane Doe');
    expect(alphanumericSender('Pamela White-Smith')).toBe('Pamela Whit');
    expect(alphanumericSender('@@@')).toBe('Switchboard');
    expect(pageText('short', 160)).toBe('short');
    const long = pageText('word '.repeat(100), 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('sms through Kannel: pages and delivery reports', () => {
  it('pages from the sender name with a shortened text, and the delivery report marks it delivered', async () => {
    const { recorder } = await import('../../harness/recorder');
    const gateway = await startKannel();
    const rec = recorder({ sendsmsUrl: gateway.sendsmsUrl, username: gateway.username, password: gateway.password, senderName: 'Pamela White', maxLength: 40 }, []);
    const mechanism = sms().create(rec.context);
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 15_000, 'active');
      const long = 'The meeting with the board has moved to Thursday at four in the large room';
      expect(await mechanism.send('+15550199', { id: 'page-1', body: long })).toEqual({ ok: true, level: 'accepted' });
      const page = await gateway.receive((p) => p.to === '+15550199');
      expect(page.from).toBe('Pamela Whit');
      expect(page.text).toBe(pageText(long, 40));
      await rec.until(() => rec.receipts.some((r) => r.messageId === 'page-1' && r.level === 'delivered'), 15_000, 'delivery report');
      const wrongLogin = recorder({ sendsmsUrl: gateway.sendsmsUrl, username: gateway.username, password: 'wrong' }, []);
      const refused = sms().create(wrongLogin.context);
      await refused.start();
      await wrongLogin.until(() => wrongLogin.statuses.at(-1)?.state === 'active', 15_000, 'active');
      expect(await refused.send('+15550199', { id: 'page-2', body: 'x' })).toMatchObject({ ok: false, final: true });
      await refused.stop();
    } finally {
      await mechanism.stop();
      await gateway.stop();
    }
  });
});

describe('sms through Kannel: messages in', () => {
  it('takes in what a phone sends to the gateway, by number, through the sms-service; a wrong secret gets nothing in', async () => {
    const { recorder } = await import('../../harness/recorder');
    const { freePort } = await import('../../harness/ports');
    const port = await freePort();
    const secret = 'a-secret-for-this-test-0123456789';
    const gateway = await startKannel({ incoming: { port, secret } });
    const rec = recorder({ sendsmsUrl: gateway.sendsmsUrl, username: gateway.username, password: gateway.password, callbackPort: port, incomingSecret: secret }, []);
    const mechanism = sms().create(rec.context);
    try {
      await mechanism.start();
      await rec.until(() => rec.statuses.at(-1)?.state === 'active', 15_000, 'active');
      // Frank answers a page from his phone.
      await gateway.send('+15550123', '12345', 'On my way, 10 minutes');
      await rec.until(() => rec.incoming.length > 0, 15_000, 'the message in');
      expect(rec.incoming).toEqual([{ from: '+15550123', body: 'On my way, 10 minutes' }]);
      // Anyone else on this machine who guesses at the listener gets nothing in.
      for (const target of [`/in/wrong-secret-0123456789?from=%2B15550123&text=forged`, `/in/?from=%2B15550123&text=forged`, `/in/${secret}?from=not-a-number&text=forged`]) {
        expect((await fetch(`http://127.0.0.1:${port}${target}`)).status).toBeGreaterThanOrEqual(400);
      }
      expect(rec.incoming).toHaveLength(1);
    } finally {
      await mechanism.stop();
      await gateway.stop();
    }
  });
});
