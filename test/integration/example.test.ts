// The original design's worked example, live: four real systems on loopback, five people played by
// real clients, and each message must arrive where the example says it does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/domain';
import { startCore, type CoreHarness } from '../harness/core-harness';
import { answerMail, startExampleWorld, type ExampleWorld } from '../harness/example-world';

describe('the worked example (figs. 9 to 12)', () => {
  let world: ExampleWorld;
  let h: CoreHarness;

  beforeAll(async () => {
    world = await startExampleWorld();
    h = startCore(world.settings, { dir: world.configDir });
    await h.event('mechanisms:changed', (list) => list.length === 4 && list.every((m) => m.state === 'active'), 30_000);
  });
  afterAll(async () => {
    await h?.stop();
    await world?.stop();
  });

  const finished = (id: string) => h.event('messages:changed', (m: MessageView) => m.id === id && m.state !== 'sending' && m.state !== 'waiting');
  const attempts = async (id: string) =>
    (await h.call('diagnostics:list', { limit: 20 })).find((e) => e.message.id === id)!.attempts.map((a) => `${a.mechanism}:${a.outcome}`);

  it('shows each person with the glyph of the example', async () => {
    const glyph = await h.glyphs((g) => g('jerry') === 'available' && g('jane') === 'unavailable' && g('john') === 'available' && g('pamela') === 'available');
    expect(glyph('frank')).toBe('none'); // the pager has no presence, and he is on no IM system
  });

  it('reaches Jerry Jones by the first IM system', async () => {
    const sent = await h.call('messages:send', { contactId: 'jerry', body: 'Jerry, the report is ready' });
    const got = await world.people.jerry.im1.receive((b) => b === 'Jerry, the report is ready');
    expect(got.originId).toBe(sent.id);
    expect((await finished(sent.id)).state).toBe('sent');
    expect(await attempts(sent.id)).toEqual(['im1:accepted']);
    expect(world.people.jerry.im2.received).toEqual([]);
  });

  it('reaches Jane Doe by the second IM system after the first fails', async () => {
    const sent = await h.call('messages:send', { contactId: 'jane', body: 'Jane, call the client back' });
    await world.people.jane.im2.receive((b) => b === 'Jane, call the client back');
    expect((await finished(sent.id)).state).toBe('sent');
    expect(await attempts(sent.id)).toEqual(['im1:failed', 'im2:accepted']);
    expect(world.servers.pager.pages.filter((p) => p.to === world.people.jane.pager)).toEqual([]);
  });

  it('takes Jane’s answer by e-mail to a message sent to everyone at once into her one conversation', async () => {
    const sent = await h.call('messages:send', { contactId: 'jane', body: 'Jane, the minutes are attached', manager: 'broadcast' });
    const mail = await world.servers.mail.receive((m) => m.to.includes(world.people.jane.email) && m.switchboardId === sent.id);
    await world.servers.imap.deliver(answerMail({ name: 'Jane Doe', address: world.people.jane.email }, mail, 'Thanks, I will read them tonight. - Jane'));
    const answer = await h.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.body === 'Thanks, I will read them tonight. - Jane');
    expect(answer.contactId).toBe('jane');
  });

  it('reaches Frank White by the pager after both IM systems fail', async () => {
    const sent = await h.call('messages:send', { contactId: 'frank', body: 'Frank, the server room is flooding' });
    const page = await world.servers.pager.receive((p) => p.to === world.people.frank.pager);
    expect(page).toMatchObject({ from: 'Me Myself', text: 'Frank, the server room is flooding' });
    expect((await h.event('messages:changed', (m) => m.id === sent.id && m.state === 'delivered')).state).toBe('delivered');
    expect(await attempts(sent.id)).toEqual(['im1:failed', 'im2:failed', 'pager:delivered']);
    // He answers from his pager's phone by SMS: the answer lands in his one conversation.
    await world.servers.pager.send(world.people.frank.pager, '12345', 'On my way to the server room - Frank');
    const answer = await h.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.body === 'On my way to the server room - Frank');
    expect(answer.contactId).toBe('frank');
  });

  it('reaches Pamela White by e-mail, when urgent, once she has left IM', async () => {
    await world.people.pamela.im1.offline();
    await h.glyphs((g) => g('pamela') === 'none');
    const sent = await h.call('messages:send', { contactId: 'pamela', body: 'Pamela, urgent: the contract', priority: 'urgent' });
    const mail = await world.servers.mail.receive((m) => m.to.includes(world.people.pamela.email));
    expect(mail).toMatchObject({ body: 'Pamela, urgent: the contract', switchboardId: sent.id, tls: true });
    expect((await finished(sent.id)).state).toBe('sent');
    expect(await attempts(sent.id)).toEqual(['im1:failed', 'email:accepted']);
    // She answers the e-mail from her mail client, quoting it: her words land in her one conversation.
    await world.servers.imap.deliver(answerMail({ name: 'Pamela White', address: world.people.pamela.email }, mail, 'Signed and sent back. - Pamela'));
    const answer = await h.event('messages:changed', (m: MessageView) => m.direction === 'in' && m.contactId === 'pamela');
    expect(answer.body).toBe('Signed and sent back. - Pamela');
  });
});
