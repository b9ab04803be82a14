// The SMS / pager mechanism: pages through an HTTP sendsms gateway (Kannel). Accepted on HTTP 202;
// the gateway's delivery report (DLR) to our loopback callback upgrades it to delivered. Where the
// account has an incoming secret, the gateway's sms-service hands us the messages people send to it
// on the same loopback listener, and they land in the sender's conversation by phone number.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { AccountField, Mechanism, MechanismContext, MechanismPlugin, OutgoingMessage, SendOutcome } from '../../shared/mechanism';
import { Backoff } from '../../shared/backoff';
import { mechanismPlugin } from '../common/factories';
import { parseAccount, readCaFile } from '../common/account';
import manifest from './manifest.json';

export const accountSchema = z.strictObject({
  sendsmsUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) address' })
    // The login goes in the query string: in clear only to a gateway on this machine.
    .refine((url) => url.startsWith('https:') || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(url), 'must be https unless the gateway runs on this machine'),
  username: z.string().min(1, 'is missing'),
  password: z.string().min(1, 'is missing'),
  senderName: z.string().min(1).max(100).optional(),
  maxLength: z.number().int().min(20).max(1600).default(160),
  callbackPort: z.number().int().min(0).max(65_535).default(0),
  /**
   * Where set, messages sent to the gateway are taken in: its sms-service calls
   * /in/<incomingSecret>?from=%p&text=%a on the callback port (a fixed one, then).
   */
  incomingSecret: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  caFile: z.string().min(1).optional(),
});

const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

/** +1 555-1234 → +15551234. */
export const normalizeNumber = (address: string) => address.replace(/[\s().-]/g, '');
const numberPattern = /^\+?[0-9]{3,20}$/;

/** SMS alphanumeric senders are at most 11 characters of letters, digits and spaces. */
export function alphanumericSender(name: string): string {
  return name.replace(/[^A-Za-z0-9 ]/g, '').trim().slice(0, 11).trim() || 'Switchboard';
}

/** The page's text: shortened to fit, with "..." where it was cut ("…" is not in the GSM alphabet). */
export function pageText(body: string, maxLength: number): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= maxLength ? flat : `${flat.slice(0, maxLength - 3).trimEnd()}...`;
}

class SmsMechanism implements Mechanism {
  readonly #ctx: MechanismContext;
  #account: z.output<typeof accountSchema> | undefined;
  #ca: string | undefined;
  #callback: http.Server | undefined;
  #callbackUrl = '';
  readonly #token = randomBytes(16).toString('hex');
  #timer: NodeJS.Timeout | undefined;
  readonly #backoff = new Backoff({ baseMs: MIN_RETRY_MS, capMs: MAX_RETRY_MS });
  /** The check under way: a failed page asking for one while it runs joins it, never starts a second loop. */
  #checking: Promise<void> | undefined;
  /** Ends the gateway requests under way when the mechanism stops. */
  #requests = new AbortController();
  #stopped = false;

  constructor(ctx: MechanismContext) {
    this.#ctx = ctx;
  }

  async start(): Promise<void> {
    this.#account = parseAccount(accountSchema, this.#ctx.account, accountFields);
    this.#stopped = false;
    this.#requests = new AbortController();
    this.#ca = await readCaFile(this.#account.caFile);
    if (this.#stopped) return; // stopped while the file was read
    await this.#listenForReports(this.#account.callbackPort);
    void this.#check();
  }

  /** Delivery reports come to 127.0.0.1 only, and must carry this run's token. */
  async #listenForReports(port: number): Promise<void> {
    // This listener runs inside the host process and any local program can reach it: nothing it is
    // sent may throw out of the handler, or the whole process would exit.
    const server = http.createServer((req, res) => {
      try {
        const [status, text] = this.#report(req.url);
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
      } catch (error) {
        this.#ctx.log.error(`could not read a delivery report: ${(error as Error).message}`);
        if (res.headersSent) res.destroy();
        else res.writeHead(500).end();
      }
    });
    server.on('clientError', (error: Error & { code?: string }, socket) => {
      if (error.code !== 'ECONNRESET' && socket.writable && !(socket as typeof socket & { bytesWritten?: number }).bytesWritten) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.#ctx.log.error(`the delivery report listener: ${error.message}`));
    this.#callback = server;
    this.#callbackUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/dlr/${this.#token}`;
  }

  /** Reads one delivery report (GET /dlr/<token>/<message id>?status=<n>); answers with a status and a line of text. */
  #report(target: string | undefined): [number, string] {
    let url: URL;
    try {
      url = new URL(target?.startsWith('/') ? `http://127.0.0.1${target}` : (target ?? ''));
    } catch {
      return [400, 'The request address could not be read.'];
    }
    const [, kind, token = '', messageId, ...rest] = url.pathname.split('/');
    if (kind === 'in' && messageId === undefined) return this.#incoming(token, url.searchParams);
    const given = Buffer.from(token);
    const good = given.length === this.#token.length && timingSafeEqual(given, Buffer.from(this.#token));
    if (kind !== 'dlr' || !good || !messageId || rest.length) return [404, 'Not found.'];
    let id: string;
    try {
      id = decodeURIComponent(messageId);
    } catch {
      return [400, 'The message id in the address is not valid percent-encoding.'];
    }
    const status = Number(url.searchParams.get('status'));
    if (!Number.isInteger(status)) return [400, 'The status parameter must be a number (Kannel fills it in from %d).'];
    // Kannel: 1 delivered to the phone, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected by it.
    if (status === 1) this.#ctx.receipt(id, 'delivered');
    else if (status === 2 || status === 16) this.#ctx.log.warn(`the gateway reports that a page could not be delivered (status ${status})`);
    return [200, 'ok'];
  }

  /** Takes in one message someone sent to the gateway (GET /in/<secret>?from=<number>&text=<text>). */
  #incoming(secret: string, params: URLSearchParams): [number, string] {
    const expected = this.#account?.incomingSecret;
    let given: string;
    try {
      given = decodeURIComponent(secret);
    } catch {
      return [404, 'Not found.'];
    }
    // Compared in constant time, as hashes of the same length: a guess learns nothing from the timing.
    const digest = (v: string) => createHash('sha256').update(v).digest();
    if (!expected || !timingSafeEqual(digest(given), digest(expected))) return [404, 'Not found.'];
    const from = normalizeNumber(params.get('from') ?? '');
    const text = params.get('text') ?? '';
    if (!numberPattern.test(from)) return [400, 'The from parameter must be a phone number (Kannel fills it in from %p).'];
    if (!text.trim()) return [200, 'ok']; // an empty message is nothing to keep
    this.#ctx.incoming({ from, body: text });
    return [200, 'ok'];
  }

  #request(params: Record<string, string>): Promise<{ status: number; body: string }> {
    const url = new URL(this.#account!.sendsmsUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.get(url, { timeout: 15_000, signal: this.#requests.signal, ...(this.#ca && { ca: this.#ca }) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk.slice(0, 1000)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
      });
      req.on('timeout', () => req.destroy(new Error('the gateway did not answer in time')));
      req.on('error', reject);
    });
  }

  /** Asks the gateway anything: any HTTP answer means it is there. One check at a time. */
  #check(): Promise<void> {
    this.#checking ??= this.#checkOnce().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #checkOnce(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    try {
      await this.#request({});
      this.#backoff.reset();
      if (!this.#stopped) this.#ctx.status({ state: 'active' });
    } catch (error) {
      if (this.#stopped) return;
      const { message, code } = error as Error & { code?: string };
      this.#ctx.status({ state: 'connecting', reason: code && !message.includes(code) ? `${message} (${code})` : message });
      this.#ctx.log.warn(`cannot reach the gateway (${message}); trying again later`);
      this.#timer = setTimeout(() => void this.#check(), this.#backoff.next());
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#requests.abort();
    this.#backoff.reset();
    const server = this.#callback;
    this.#callback = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async send(address: string, message: OutgoingMessage): Promise<SendOutcome> {
    const to = normalizeNumber(address);
    if (!numberPattern.test(to)) return { ok: false, reason: 'not a phone number', final: true };
    const account = this.#account;
    if (!account) return { ok: false, reason: 'not started', final: false };
    const maxLength = Number(message.addressSettings?.['maxLength'] ?? account.maxLength);
    try {
      const { status, body } = await this.#request({
        username: account.username,
        password: account.password,
        from: alphanumericSender(account.senderName ?? message.senderName ?? 'Switchboard'),
        to,
        text: pageText(message.body, Number.isFinite(maxLength) && maxLength >= 20 ? maxLength : account.maxLength),
        'dlr-mask': '3', // delivered (1) and failed (2)
        'dlr-url': `${this.#callbackUrl}/${encodeURIComponent(message.id)}?status=%d`,
      });
      // An earlier copy may have gone (see the README): this one goes anyway, and says so.
      if (status === 202 || status === 200) return { ok: true, level: 'accepted', ...(message.resend && { note: 'possibly-duplicated' as const }) };
      return { ok: false, reason: `the gateway answered ${status}: ${body.slice(0, 200)}`, final: status >= 400 && status < 500 };
    } catch (error) {
      if (this.#stopped) return { ok: false, reason: 'Switchboard is stopping', final: false };
      void this.#check();
      // The request went out and no answer came: the gateway may have taken the message.
      return { ok: false, reason: (error as Error).message, final: false, maybeSent: true };
    }
  }
}

/** The account form's fields; their labels also name the fields in what is wrong with an account. */
const accountFields: readonly AccountField[] = [
  { key: 'sendsmsUrl', label: 'Gateway sendsms address', kind: 'text', required: true, bindsSecrets: true },
  { key: 'username', label: 'User name', kind: 'text', required: true, bindsSecrets: true },
  { key: 'password', label: 'Password', kind: 'secret', required: true },
  { key: 'senderName', label: 'Pages come from', kind: 'text', required: false },
  { key: 'caFile', label: 'CA certificate file', kind: 'text', required: false, bindsSecrets: true, file: true },
  { key: 'callbackPort', label: 'Port for the gateway to call back on this machine', kind: 'number', required: false },
  { key: 'incomingSecret', label: 'Secret in the gateway’s address for incoming messages', kind: 'secret', required: false },
];

export default function sms(): MechanismPlugin {
  return mechanismPlugin({
    manifest,
    accountSchema,
    capabilities: { presence: false, receipts: true },
    normalizeAddress: normalizeNumber,
    accountFields,
    create: (ctx) => new SmsMechanism(ctx),
  });
}
