// E-mail in: the account's mailbox read over IMAP (imapflow, STARTTLS or TLS, the certificate
// verified as everywhere), followed with IDLE. A mail from a person lands in their conversation as
// text: the quoted history and the signature cut, HTML reduced to text, attachments named but not
// fetched. Bulk mail (lists, newsletters, auto-replies) is left alone. Each mail's place in the
// mailbox (UIDVALIDITY:UID) is its server id: the core remembers the newest, and the next start reads
// on from there, so that what came while the app was closed arrives once; the first time, the last
// 30 days (at most 200 mails) are read.
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { IncomingMessage, Logger } from '../../shared/mechanism';
import { Backoff } from '../../shared/backoff';

export interface InboxOptions {
  readonly host: string;
  /** The name on the server's certificate. */
  readonly servername: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly ca: string | undefined;
  readonly folder: string;
  /** Only mail that answers one Switchboard sent (In-Reply-To / References name our Message-ID). */
  readonly onlyReplies: boolean;
  readonly log: Logger;
  /** The newest server id the core holds from this account. */
  readonly lastServerId: () => string | undefined;
  readonly incoming: (message: IncomingMessage) => void;
  /** A contact answered a mail we sent: it reached them (the core upgrades that message to delivered). */
  readonly answered: (messageId: string) => void;
  /** The contacts' addresses on this mechanism: only their answers count as evidence. */
  readonly contacts: () => readonly string[];
  /**
   * Why the mailbox cannot be read now, in words for the user (the connection was lost, the password
   * refused ...), and whether it is tried again; undefined once it is read again.
   */
  readonly trouble: (problem: { readonly words: string; readonly retrying: boolean } | undefined) => void;
}

/** Why signing in to the mailbox, or staying there, failed, in plain words (never imapflow's codes). */
export function troubleWords(error: unknown): string {
  const e = error as { authenticationFailed?: boolean; code?: string; message?: string; responseText?: string };
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`;
  if (e?.authenticationFailed) return "the mail server refused the user name or password: check them in the account's settings";
  if (/CERT|certificate|self[- ]signed/i.test(text)) return "the mail server's certificate cannot be trusted: check the IMAP server name and the CA certificate in the account's settings";
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) return "the mail server cannot be found: check the IMAP server name in the account's settings";
  if (/ECONNREFUSED/.test(text)) return 'the mail server does not answer';
  if (/ETIMEDOUT|timeout|timed out/i.test(text)) return 'the mail server does not answer in time';
  if (/NONEXISTENT|Mailbox doesn't exist|Unknown Mailbox/i.test(`${text} ${e?.responseText ?? ''}`)) return "the folder to read is not on the mail server: check it in the account's settings";
  return 'the connection to the mail server was lost';
}

const MAX_BODY = 20_000;

const describe = (error: unknown) => {
  const e = error as { message?: string; responseText?: string; code?: string };
  return [e?.message ?? String(error), e?.responseText, e?.code].filter(Boolean).join(': ');
};
/** The first time a mailbox is read: how far back, and how many mails at most. */
const FIRST_DAYS = 30;
const FIRST_MAX = 200;

/** Mail no person wrote to this person: mailing lists, newsletters, vacation replies. */
export function isBulk(mail: ParsedMail): boolean {
  const header = (name: string) => String(mail.headers.get(name) ?? '').toLowerCase();
  // mailparser gathers the List-* headers (RFC 2369, 2919) under "list".
  if (mail.headers.has('list') || mail.headers.has('list-id') || mail.headers.has('list-unsubscribe')) return true;
  if (['bulk', 'list', 'junk'].includes(header('precedence').trim())) return true;
  const auto = header('auto-submitted').trim();
  return auto !== '' && auto !== 'no';
}

/** The ids of our messages that the mail answers: In-Reply-To and References name their Message-IDs, <id@switchboard.invalid> (index.ts). */
export function answeredIds(mail: ParsedMail): string[] {
  const refs = [mail.inReplyTo ?? '', ...(Array.isArray(mail.references) ? mail.references : [mail.references ?? ''])];
  return [...new Set(refs.flatMap((r) => r.match(/[^<>\s]+@switchboard\.invalid/g) ?? []).map((r) => r.slice(0, r.indexOf('@switchboard.invalid'))))];
}

/** Whether the mail answers one of ours. */
export function answersOurs(mail: ParsedMail): boolean {
  return answeredIds(mail).length > 0;
}

/** What the person wrote: up to the quoted history ("On … wrote:", "> " lines) or the signature ("-- "). */
export function newText(text: string): string {
  const kept: string[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '-- ' || line === '--') break;
    if (/^>/.test(line)) break;
    // "On Tue, 1 Dec 2026, Me wrote:" — sometimes wrapped over two lines.
    if (/^On .+wrote:\s*$/.test(line) || (/^On .+/.test(line) && /wrote:\s*$/.test(lines[i + 1] ?? ''))) break;
    if (/^-{2,}\s*Original Message\s*-{2,}$/i.test(line.trim())) break;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

export function mailText(mail: ParsedMail): string {
  const body = newText(mail.text ?? '');
  const attachments = mail.attachments.map((a) => `[attachment: ${a.filename ?? a.contentType}]`);
  return [body, ...attachments].filter(Boolean).join('\n').slice(0, MAX_BODY);
}

export class ImapInbox {
  readonly #o: InboxOptions;
  #client: ImapFlow | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #backoff = new Backoff({ baseMs: 1_000, capMs: 60_000 });
  /** The mailbox's UIDVALIDITY and the last UID read from it. */
  #at: { validity: string; uid: number } | undefined;
  #reading: Promise<void> = Promise.resolve();

  constructor(options: InboxOptions) {
    this.#o = options;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.logout().catch(() => client.close());
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const { host, servername, port, user, password, ca, folder } = this.#o;
    const client = new ImapFlow({
      host,
      port,
      secure: port === 993,
      doSTARTTLS: port === 993 ? undefined : true, // never a password in clear
      auth: { user, pass: password },
      tls: { servername, minVersion: 'TLSv1.2', ...(ca && { ca }) },
      logger: false,
      emitLogs: false,
      // The mailbox is followed with IDLE from half a second after the last command (imapflow waits
      // 15 s by default): a reply shows as it comes, as chat does.
      autoIdleDelay: 500,
    });
    client.on('error', (error: Error) => this.#o.log.warn(`mailbox: ${error.message}`));
    client.on('close', () => {
      if (this.#client !== client || this.#stopped) return;
      this.#client = undefined;
      this.#retry('the connection closed', 'the connection to the mail server was lost');
    });
    try {
      await client.connect();
      if (this.#stopped) return void (await client.logout().catch(() => undefined));
      this.#client = client;
      const box = await client.mailboxOpen(folder, { readOnly: true });
      const validity = String(box.uidValidity);
      // Where the core holds mail of this mailbox, from there; the first time (or when the mailbox was
      // renumbered), the newest FIRST_MAX mails of the last FIRST_DAYS days.
      const last = /^(\d+):(\d+)$/.exec(this.#o.lastServerId() ?? '');
      if (this.#at?.validity === validity) {
        // a reconnection: go on from where this run was
      } else if (last && last[1] === validity) this.#at = { validity, uid: Number(last[2]) };
      else {
        const since = (await client.search({ since: new Date(Date.now() - FIRST_DAYS * 86_400_000) }, { uid: true })) || [];
        const recent = since.sort((a, b) => a - b).slice(-FIRST_MAX);
        this.#at = { validity, uid: recent.length ? recent[0]! - 1 : Math.max(0, Number(box.uidNext) - 1) };
      }
      this.#backoff.reset();
      this.#o.trouble(undefined);
      client.on('exists', () => this.#readNew(client));
      this.#readNew(client);
    } catch (error) {
      if (this.#client === client) this.#client = undefined;
      client.close();
      if (this.#stopped) return;
      const words = troubleWords(error);
      // A refused password will not come right by itself (and trying it again and again may lock the
      // account): it waits for the account to be saved again, or connected again by hand.
      if ((error as { authenticationFailed?: boolean }).authenticationFailed) {
        this.#o.log.warn(`cannot read the mailbox (${describe(error)}); not trying again`);
        this.#o.trouble({ words, retrying: false });
        return;
      }
      this.#retry(describe(error), words);
    }
  }

  /** Connects again after the back-off (1 s, doubling to a minute, jittered), saying meanwhile why. */
  #retry(why: string, words: string): void {
    if (this.#stopped) return;
    this.#o.log.warn(`cannot read the mailbox (${why}); trying again later`);
    this.#o.trouble({ words, retrying: true });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), this.#backoff.next());
  }

  /** Reads the mail after the last one read, one read at a time (IDLE says when there is more). */
  #readNew(client: ImapFlow): void {
    this.#reading = this.#reading.then(async () => {
      const at = this.#at;
      if (!at || this.#client !== client) return;
      try {
        const found: FetchMessageObject[] = [];
        for await (const message of client.fetch(`${at.uid + 1}:*`, { uid: true, source: true, internalDate: true }, { uid: true })) {
          if (message.uid > at.uid) found.push(message);
        }
        for (const message of found.sort((a, b) => a.uid - b.uid)) {
          // A mail that cannot be read is passed over, not read again and again: it must not hold back the ones after it.
          await this.#take(message, at.validity).catch((error: unknown) => this.#o.log.warn(`a mail (UID ${message.uid}) could not be read: ${(error as Error).message}`));
          this.#at = { validity: at.validity, uid: message.uid };
        }
      } catch (error) {
        this.#o.log.warn(`reading new mail: ${(error as Error).message}`);
      }
    });
  }

  async #take(message: FetchMessageObject, validity: string): Promise<void> {
    if (!message.source) return;
    const mail = await simpleParser(message.source, { skipImageLinks: true, skipTextLinks: true });
    const from = mail.from?.value[0]?.address?.trim().toLowerCase();
    if (!from || isBulk(mail)) return;
    const answered = answeredIds(mail);
    if (this.#o.onlyReplies && !answered.length) return;
    // A contact's answer to our mail proves it reached them; anyone else's claim proves nothing.
    if (this.#o.contacts().some((a) => a.trim().toLowerCase() === from)) for (const id of answered) this.#o.answered(id);
    const body = mailText(mail);
    if (!body) return;
    const at = message.internalDate instanceof Date ? message.internalDate.getTime() : undefined;
    const id = mail.messageId?.replace(/^<|>$/g, '');
    this.#o.incoming({ from, body, serverId: `${validity}:${message.uid}`, ...(id && { id: `mail:${id}` }), ...(at !== undefined && { at }) });
  }
}
