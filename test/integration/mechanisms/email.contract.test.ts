// The mechanism contract against a real SMTP server (aiosmtpd from Debian).
import email from '../../../plugins/email/index';
import { startSmtp } from '../../harness/smtp';
import { mechanismContract } from './contract';

mechanismContract('email over SMTP', async () => {
  const server = await startSmtp();
  const to = 'frank.white@example.org';
  return {
    plugin: email(),
    account: { address: 'me@switchboard.test', server: 'mail.switchboard.test', host: server.host, port: server.port, user: server.user, password: server.password, caFile: server.caFile },
    peer: {
      address: to,
      receive: (match) => server.receive((m) => m.to.includes(to) && match(m.body)).then((m) => ({ body: m.body, id: m.switchboardId })),
    },
    invalidAddress: 'frank at example',
    refusedAddress: 'nobody@example.org',
    laterAddress: 'later@example.org',
    server: { stop: () => server.stop(), start: () => server.start() },
    close: () => server.stop(),
  };
});
