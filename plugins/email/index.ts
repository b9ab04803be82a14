// The e-mail delivery mechanism: SMTP submission with STARTTLS and authentication (nodemailer).
// No presence; "accepted" means the server's 250. 5xx is a final failure, 4xx worth retrying. With an
// IMAP server set, it also reads the mailbox (inbox.ts): replies land in the person's conversation.
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { AccountField, Mechanism, MechanismContext, MechanismPlugin, MechanismStatus, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { activityOf, reasonOf } from '../../shared/mechanism';
import { Backoff } from '../../shared/backoff';
import { mechanismPlugin } from '../common/factories';
import { parseAccount, readCaFile } from '../common/account';
import { ImapInbox } from './inbox';
import manifest from './manifest.json';

export const accountSchema = z.strictObject({
  address: z.email('must be an e-mail address'),
  server: z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name'),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65_535).default(587),
  user: z.string().min(1, 'is missing'),
  password: z.string().min(1, 'is missing'),
  caFile: z.string().min(1).optional(),
  fromName: z.string().min(1).max(100).optional(),
  /** Where set, the mailbox is read over IMAP (same user name and password as for sending). */
  imapServer: z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name').optional(),
  imapHost: z.string().min(1).optional(),
  imapPort: z.number().int().min(1).max(65_535).default(143),
  imapFolder: z.string().min(1).max(200).default('INBOX'),
  onlyReplies: z.boolean().default(false),
});

const addressPattern = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/;
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

interface SmtpError {
  responseCode?: number;
  code?: string;
  response?: string;
  message?: string;
}

function outcomeOf(error: SmtpError): { reason: string; final: boolean; connection: boolean } {
  const code = error.responseCode;
  if (code !== undefined) return { reason: (error.response ?? error.message ?? String(code)).slice(0, 200), final: code >= 500, connection: false };
  if (error.code === 'EAUTH') return { reason: 'the server refused the user name or password (EAUTH)', final: true, connection: true };
  return { reason: error.message ?? String(error), final: false, connection: true };
}

class EmailMechanism implements Mechanism {
  readonly #ctx: MechanismContext;
  #transport: Transporter | undefined;
  #account: z.output<typeof accountSchema> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #backoff = new Backoff({ baseMs: MIN_RETRY_MS, capMs: MAX_RETRY_MS });
  /** The check under way: a failed send asking for one while it runs joins it, never starts a second loop. */
  #checking: Promise<void> | undefined;
  #inbox: ImapInbox | undefined;
  /** The last check failed: its reason is shown until one succeeds. */
  #failed = false;
  /** What sending's check last found: the account's state. */
  #sending: MechanismStatus = { state: 'connecting' };
  /** Why the mailbox cannot be read now (see ImapInbox's trouble), if it cannot. */
  #mailbox: { readonly words: string; readonly retrying: boolean } | undefined;
  #reported: MechanismStatus | undefined;

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  async start(): Promise<void> {
    const account = (this.#account = parseAccount(accountSchema, this.#ctx.account, accountFields));
    this.#stopped = false;
    const ca = await readCaFile(account.caFile);
    if (this.#stopped) return; // stopped while the file was read
    this.#transport = nodemailer.createTransport({
      host: account.host ?? account.server,
      port: account.port,
      secure: account.port === 465,
      requireTLS: true, // never send a password or a message in clear
      auth: { user: account.user, pass: account.password },
      tls: { servername: account.server, ca, minVersion: 'TLSv1.2' },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
    });
    void this.#check();
    if (account.imapServer) {
      this.#inbox = new ImapInbox({
        host: account.imapHost ?? account.imapServer,
        servername: account.imapServer,
        port: account.imapPort,
        user: account.user,
        password: account.password,
        ca,
        folder: account.imapFolder,
        onlyReplies: account.onlyReplies,
        log: this.#ctx.log,
        lastServerId: () => this.#ctx.lastServerId(),
        incoming: (message) => this.#ctx.incoming(message),
        answered: (messageId) => this.#ctx.receipt(messageId, 'delivered'),
        contacts: () => this.#ctx.addresses(),
        trouble: (problem) => {
          this.#mailbox = problem;
          this.#report();
        },
      });
      this.#inbox.start();
    }
  }

  /** Signs in once to know whether sending can work now; retries later when the server is away. One check at a time. */
  #check(): Promise<void> {
    this.#checking ??= this.#checkOnce().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #checkOnce(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#stopped || !this.#transport) return;
    // The first check says "connecting"; a retry leaves the reason of the last failed one shown.
    if (!this.#failed) this.#status({ state: 'connecting' });
    try {
      await this.#transport.verify();
      this.#failed = false;
      this.#backoff.reset();
      if (!this.#stopped) this.#status({ state: 'active' });
    } catch (error) {
      const { reason, final } = outcomeOf(error as SmtpError);
      if (this.#stopped) return;
      if (final) {
        this.#status({ state: 'inactive', reason });
        return;
      }
      this.#ctx.log.warn(`cannot reach the server (${reason}); trying again later`);
      const code = (error as { code?: string }).code;
      this.#failed = true;
      this.#status({ state: 'connecting', reason: code && !reason.includes(code) ? `${reason} (${code})` : reason });
      // Back-off with full jitter, so that a server coming back is not met by every client at once.
      this.#timer = setTimeout(() => void this.#check(), this.#backoff.next());
    }
  }

  /** Sending's state, as its check found it. */
  #status(sending: MechanismStatus): void {
    this.#sending = sending;
    this.#report();
  }

  /**
   * The account's state is sending's: a mailbox that cannot be read does not keep messages from going
   * out by e-mail. While sending works, what is wrong with reading replies is said beside it.
   */
  #report(): void {
    const mailbox = this.#mailbox;
    const status: MechanismStatus =
      this.#sending.state === 'active' && mailbox
        ? { state: 'active', activity: `Sending works, but replies cannot be read: ${mailbox.words}${mailbox.retrying ? '. Trying again.' : '.'}` }
        : this.#sending;
    const last = this.#reported;
    if (last && last.state === status.state && reasonOf(last) === reasonOf(status) && activityOf(last) === activityOf(status)) return;
    this.#reported = status;
    this.#ctx.status(status);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#backoff.reset();
    this.#failed = false;
    this.#mailbox = undefined;
    this.#reported = undefined;
    this.#transport?.close();
    await this.#inbox?.stop();
    this.#inbox = undefined;
  }

  async send(address: string, message: OutgoingMessage): Promise<SendOutcome> {
    const to = address.trim();
    if (!addressPattern.test(to)) return { ok: false, reason: 'not a valid e-mail address', final: true };
    if (!this.#transport || !this.#account) return { ok: false, reason: 'not started', final: false };
    const fromName = message.senderName ?? this.#account.fromName;
    const firstLine = message.body.split('\n')[0]!.slice(0, 60);
    try {
      const info = (await this.#transport.sendMail({
        from: fromName ? { name: fromName, address: this.#account.address } : this.#account.address,
        to,
        subject: firstLine.length < message.body.length ? `${firstLine}…` : firstLine,
        text: message.body,
        messageId: `<${message.id}@switchboard.invalid>`,
        headers: { 'X-Switchboard-Id': message.id },
      })) as { accepted: unknown[]; rejected: unknown[]; response: string };
      if (info.rejected.length) return { ok: false, reason: `refused: ${info.response}`, final: true };
      // An earlier copy may have gone (see the README): this one goes anyway, and says so.
      return { ok: true, level: 'accepted', ...(message.resend && { note: 'possibly-duplicated' as const }) };
    } catch (error) {
      const outcome = outcomeOf(error as SmtpError);
      if (outcome.connection) void this.#check(); // the server went away: say so until it is back
      // A connection lost after the message's data went out may have delivered it all the same.
      return { ok: false, reason: outcome.reason, final: outcome.final, ...(!outcome.final && { maybeSent: true }) };
    }
  }
}

/** The account form's fields; their labels also name the fields in what is wrong with an account. */
const accountFields: readonly AccountField[] = [
  { key: 'address', label: 'Your e-mail address', kind: 'text', required: true },
  { key: 'server', label: 'SMTP server', kind: 'text', required: true, bindsSecrets: true },
  { key: 'host', label: 'Address to dial', kind: 'text', required: false, bindsSecrets: true },
  { key: 'port', label: 'Port (587 or 465)', kind: 'number', required: false, bindsSecrets: true },
  { key: 'user', label: 'User name', kind: 'text', required: true, bindsSecrets: true },
  { key: 'password', label: 'Password', kind: 'secret', required: true },
  { key: 'caFile', label: 'CA certificate file', kind: 'text', required: false, bindsSecrets: true, file: true },
  { key: 'imapServer', label: 'IMAP server (to read replies)', kind: 'text', required: false, bindsSecrets: true },
  { key: 'imapPort', label: 'IMAP port (143 or 993)', kind: 'number', required: false, bindsSecrets: true },
  { key: 'imapFolder', label: 'Folder to read', kind: 'text', required: false },
];

export default function email(): MechanismPlugin {
  return mechanismPlugin({
    manifest,
    accountSchema,
    capabilities: { presence: false, receipts: false },
    normalizeAddress: (address) => address.trim().toLowerCase(),
    accountFields,
    create: (ctx) => new EmailMechanism(ctx),
  });
}
