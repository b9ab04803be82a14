// The account's own message archive on its server (XEP-0313 MAM): before a message whose fate is
// unknown (the session was lost, or the process died, before the server's ack) is sent again, it is
// looked up there by its origin-id (XEP-0359), so that the person gets it once.
import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { Connection } from './connection';
import { bareAddress } from './presence-map';

export const NS_MAM = 'urn:xmpp:mam:2';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DATA = 'jabber:x:data';
export const NS_SID = 'urn:xmpp:sid:0';

/** How far back a lost copy is looked for when the core does not say when it was first sent. */
const WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * The server's clock may differ from ours. Where it tells its time (XEP-0202) the window is moved by
 * the measured offset and widened by that measure's uncertainty and this; where it does not, by
 * UNMEASURED_SKEW_MS either side.
 */
const MARGIN_MS = 2_000;
const UNMEASURED_SKEW_MS = 30_000;
/** Windows nearer than this are looked through in one query (their pages overlap anyway). */
const JOIN_MS = 60_000;
const PAGE_SIZE = 100;
/** Bounds one sweep on a very busy account; past it a copy counts as not found (and is resent, marked). */
const MAX_PAGES = 40;
const QUERY_TIMEOUT_MS = 15_000;
const NS_TIME = 'urn:xmpp:time';
const NS_DELAY = 'urn:xmpp:delay';
/** A catch-up reads at most this many pages (of PAGE_SIZE): an account away for months gets its latest. */
const CATCH_UP_PAGES = 50;

/** The server has no archive for the account: nothing can be looked up. */
export class NoArchiveError extends Error {
  override readonly name = 'NoArchiveError';
}

interface Wanted {
  readonly key: string;
  readonly peer: string;
  /** When the earlier copies may have been sent, on our clock: [first began, last ended]. */
  readonly from: number;
  readonly until: number;
  readonly resolve: (found: boolean) => void;
  readonly reject: (error: unknown) => void;
}

const keyOf = (peer: string, originId: string) => `${peer} ${originId}`;

/**
 * Looks up copies in the archive. Lookups asked for together (every message whose fate a lost
 * session left unknown) share one sweep of the archive, newest first, that ends once each is found
 * or the archive has nothing older within the window (the query's start): a hundred lookups cost a few pages, not a
 * hundred queries whose results would flood the stream.
 */
export class Archive {
  readonly #connection: () => Connection | undefined;
  readonly #own: string;
  /** Result collectors of the queries under way, by queryid. */
  readonly #queries = new Map<string, (message: Element, archiveId: string | undefined, stamp: number | undefined) => void>();
  #offered: boolean | undefined;
  /** The server's clock minus ours, and how sure that is (ms); null where the server does not tell its time. */
  #offset: { readonly ms: number; readonly within: number } | null | undefined;
  #waiting: Wanted[] = [];
  #sweeping = false;

  /** `connection` gives the connection of the moment: a lookup goes on whichever is current. */
  constructor(connection: () => Connection | undefined, ownJid: string) {
    this.#connection = connection;
    this.#own = bareAddress(ownJid);
  }

  /** A new session may be on a restarted (reconfigured) server: ask again. */
  forget(): void {
    this.#offered = undefined;
    this.#offset = undefined;
  }

  /**
   * Takes a stanza that is a result of one of our queries; true when it was one (it is not a message
   * from anyone then). Results claiming to come from anyone but our own account are dropped unread.
   */
  take(stanza: Element): boolean {
    const result = stanza.is('message') ? stanza.getChild('result', NS_MAM) : undefined;
    if (!result) return false;
    const from = stanza.attrs.from;
    if (from && bareAddress(from) !== this.#own) return true;
    const forwarded = result.getChild('forwarded', NS_FORWARD);
    const message = forwarded?.getChild('message');
    const stamp = Date.parse(forwarded?.getChild('delay', NS_DELAY)?.attrs.stamp ?? '');
    if (message) this.#queries.get(result.attrs.queryid ?? '')?.(message, result.attrs.id, Number.isNaN(stamp) ? undefined : stamp);
    return true;
  }

  /** The iq caller of the connection of the moment; one that is not signed in (reconnecting) cannot ask. */
  #caller() {
    const connection = this.#connection();
    if (!connection || connection.entity.status !== 'online') throw new Error('not connected');
    return connection.iqCaller;
  }

  /** Measures the server's clock against ours once per session (XEP-0202), so that a lookup's window can be narrow. */
  async #serverOffset(): Promise<{ readonly ms: number; readonly within: number } | null> {
    if (this.#offset !== undefined) return this.#offset;
    const asked = Date.now();
    const answer = await this.#caller()
      .get(xml('time', { xmlns: NS_TIME }), this.#own.split('@')[1], QUERY_TIMEOUT_MS)
      .catch((error: unknown) => {
        const e = error as { type?: string };
        if (e?.type === 'cancel' || e?.type === 'modify') return undefined; // not offered: unmeasured
        throw error;
      });
    const answered = Date.now();
    const utc = Date.parse(answer?.getChildText('utc') ?? '');
    // The server's stamp may be to the second only: it lies anywhere in that second.
    this.#offset = Number.isNaN(utc) ? null : { ms: utc - (asked + answered) / 2, within: (answered - asked) / 2 + 1_000 };
    return this.#offset;
  }

  async #isOffered(): Promise<boolean> {
    if (this.#offered === undefined) {
      const info = await this.#caller().get(xml('query', { xmlns: NS_DISCO_INFO }), this.#own, QUERY_TIMEOUT_MS);
      this.#offered = (info?.getChildren('feature') ?? []).some((f) => f.attrs.var === NS_MAM);
    }
    return this.#offered;
  }

  /**
   * Whether the archive holds a message we sent to `peer` with this origin-id, whose earlier copies
   * were sent between `from` and `until` (ms on our clock; unknown: the last day, and now). Throws
   * NoArchiveError where the server keeps none for the account, and the query's error when the lookup
   * itself failed.
   */
  holds(peer: string, originId: string, from?: number, until?: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const now = Date.now();
      this.#waiting.push({ key: keyOf(peer, originId), peer, from: from ?? now - WINDOW_MS, until: Math.min(until ?? now, now), resolve, reject });
      void this.#sweepAll();
    });
  }

  /**
   * Reads what the archive holds after the archive id `after` (the newest message the core holds from
   * this account) or, without one or when the archive no longer has it, since `since`; oldest first,
   * page by page, each message handed to `each` with its archive id and the server's stamp. After each
   * page `paged` is told how many so far, the archive id of the page's last result (where a later
   * catch-up may start) and whether more pages follow. Returns how many there were; 0 where the server
   * keeps no archive.
   */
  async catchUp(
    from: { readonly after?: string; readonly since: number },
    each: (message: Element, archiveId: string, stamp: number | undefined) => void,
    paged?: (count: number, last: string | undefined, more: boolean) => void,
  ): Promise<number> {
    if (!(await this.#isOffered())) return 0;
    let after = from.after;
    let fromStart = after === undefined;
    let count = 0;
    for (let page = 0; page < CATCH_UP_PAGES; page++) {
      const fields = fromStart ? [xml('field', { var: 'start' }, xml('value', {}, new Date(from.since).toISOString()))] : [];
      let last: string | undefined;
      try {
        after = await this.#page(fields, after, (message, archiveId, stamp) => {
          if (!archiveId) return;
          count++;
          last = archiveId;
          each(message, archiveId, stamp);
        });
      } catch (error) {
        // The archive no longer holds the message we had last (expired there): read from `since` instead.
        if (!fromStart && (error as { condition?: string }).condition === 'item-not-found') {
          fromStart = true;
          after = undefined;
          continue;
        }
        throw error;
      }
      const more = after !== undefined && page + 1 < CATCH_UP_PAGES;
      paged?.(count, last, more);
      if (!more) break;
    }
    return count;
  }

  /**
   * One page of a query (the form's `fields` besides its type, RSM `after`), each result handed to
   * `collect` as it comes; resolves with where the next page starts, undefined when there is none.
   */
  async #page(fields: readonly Element[], after: string | undefined, collect: (message: Element, archiveId: string | undefined, stamp: number | undefined) => void): Promise<string | undefined> {
    const queryid = randomUUID();
    this.#queries.set(queryid, collect);
    let fin: Element | undefined;
    try {
      const query = xml(
        'query',
        { xmlns: NS_MAM, queryid },
        xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)), ...fields),
        xml('set', { xmlns: NS_RSM }, xml('max', {}, String(PAGE_SIZE)), ...(after ? [xml('after', {}, after)] : [])),
      );
      const answer = await this.#caller().request(xml('iq', { type: 'set' }, query), QUERY_TIMEOUT_MS);
      fin = answer.getChild('fin', NS_MAM);
    } finally {
      this.#queries.delete(queryid);
    }
    const last = fin?.getChild('set', NS_RSM)?.getChildText('last');
    return !fin || fin.attrs.complete === 'true' || !last ? undefined : last;
  }

  /** One sweep at a time; lookups asked for meanwhile share the next. */
  async #sweepAll(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      while (this.#waiting.length) {
        const batch = this.#waiting.splice(0);
        try {
          const found = new Set<string>();
          for (const group of joined(batch)) for (const key of await this.#sweep(group)) found.add(key);
          for (const w of batch) w.resolve(found.has(w.key));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * Looks through the archive between the group's first and last send (on the server's clock, with a
   * margin), oldest first: a copy the server took is near the send that was cut off, so the first
   * page usually finds it, and a copy it never took costs only the few pages of that window. A window
   * bounded at both ends keeps the lookup short even on a busy account, so that a connection that
   * drops every few seconds still lets it finish.
   */
  async #sweep(batch: readonly Wanted[]): Promise<Set<string>> {
    if (!(await this.#isOffered())) throw new NoArchiveError('the server keeps no archive for this account');
    const offset = await this.#serverOffset();
    const shift = offset?.ms ?? 0;
    const margin = offset ? offset.within + MARGIN_MS : UNMEASURED_SKEW_MS;
    const wanted = new Set(batch.map((w) => w.key));
    const peers = new Set(batch.map((w) => w.peer));
    const start = Math.min(...batch.map((w) => w.from)) + shift - margin;
    const end = Math.max(...batch.map((w) => w.until)) + shift + margin;
    const found = new Set<string>();
    let after: string | undefined;
    const fields = [
      ...(peers.size === 1 ? [xml('field', { var: 'with' }, xml('value', {}, [...peers][0]!))] : []),
      xml('field', { var: 'start' }, xml('value', {}, new Date(start).toISOString())),
      xml('field', { var: 'end' }, xml('value', {}, new Date(end).toISOString())),
    ];
    for (let page = 0; page < MAX_PAGES && found.size < wanted.size; page++) {
      after = await this.#page(fields, after, (message) => {
        const ours = !message.attrs.from || bareAddress(message.attrs.from) === this.#own;
        const id = message.getChild('origin-id', NS_SID)?.attrs.id ?? message.attrs.id;
        const key = id && keyOf(bareAddress(message.attrs.to ?? ''), id);
        if (ours && key && wanted.has(key)) found.add(key);
      });
      if (after === undefined) break;
    }
    return found;
  }
}

/** Groups lookups whose windows lie near each other, so that one far in the past does not stretch everyone's window. */
function joined(batch: readonly Wanted[]): Wanted[][] {
  const groups: Wanted[][] = [];
  let until = -Infinity;
  for (const w of [...batch].sort((a, b) => a.from - b.from)) {
    if (groups.length && w.from <= until + JOIN_MS) groups.at(-1)!.push(w);
    else groups.push([w]);
    until = Math.max(until, w.until);
  }
  return groups;
}
