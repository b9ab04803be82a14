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

/** How far back a lost copy is looked for: the core gives up on a message long before. */
const WINDOW_MS = 24 * 60 * 60 * 1000;
const PAGE_SIZE = 50;
/** Bounds the lookup on a very busy conversation; past it the copy counts as not found. */
const MAX_PAGES = 10;
const QUERY_TIMEOUT_MS = 15_000;

/** The server has no archive for the account: nothing can be looked up. */
export class NoArchiveError extends Error {
  override readonly name = 'NoArchiveError';
}

export class Archive {
  readonly #connection: Connection;
  readonly #own: string;
  /** Result collectors of the queries under way, by queryid. */
  readonly #queries = new Map<string, (message: Element) => void>();
  #offered: boolean | undefined;

  constructor(connection: Connection, ownJid: string) {
    this.#connection = connection;
    this.#own = bareAddress(ownJid);
  }

  /** A new session may be on a restarted (reconfigured) server: ask again. */
  forget(): void {
    this.#offered = undefined;
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
    const forwarded = result.getChild('forwarded', NS_FORWARD)?.getChild('message');
    if (forwarded) this.#queries.get(result.attrs.queryid ?? '')?.(forwarded);
    return true;
  }

  async #isOffered(): Promise<boolean> {
    if (this.#offered === undefined) {
      const info = await this.#connection.iqCaller.get(xml('query', { xmlns: NS_DISCO_INFO }), this.#own, QUERY_TIMEOUT_MS);
      this.#offered = (info?.getChildren('feature') ?? []).some((f) => f.attrs.var === NS_MAM);
    }
    return this.#offered;
  }

  /**
   * Whether the archive holds a message we sent to `peer` with this origin-id. Throws NoArchiveError
   * where the server keeps none for the account, and the iq's error when the lookup itself failed.
   */
  async holds(peer: string, originId: string): Promise<boolean> {
    if (!(await this.#isOffered())) throw new NoArchiveError('the server keeps no archive for this account');
    const start = new Date(Date.now() - WINDOW_MS).toISOString();
    let found = false;
    let before = '';
    // Newest first (RSM <before/>): a copy just lost is on the first page.
    for (let page = 0; page < MAX_PAGES && !found; page++) {
      const queryid = randomUUID();
      this.#queries.set(queryid, (message) => {
        const ours = !message.attrs.from || bareAddress(message.attrs.from) === this.#own;
        const id = message.getChild('origin-id', NS_SID)?.attrs.id ?? message.attrs.id;
        if (ours && id === originId && bareAddress(message.attrs.to ?? '') === peer) found = true;
      });
      let fin: Element | undefined;
      try {
        const answer = await this.#connection.iqCaller.request(
          xml(
            'iq',
            { type: 'set' },
            xml(
            'query',
            { xmlns: NS_MAM, queryid },
            xml(
              'x',
              { xmlns: NS_DATA, type: 'submit' },
              xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
              xml('field', { var: 'with' }, xml('value', {}, peer)),
              xml('field', { var: 'start' }, xml('value', {}, start)),
            ),
            xml('set', { xmlns: NS_RSM }, xml('max', {}, String(PAGE_SIZE)), xml('before', {}, before)),
          ),
          ),
          QUERY_TIMEOUT_MS,
        );
        fin = answer.getChild('fin', NS_MAM);
      } finally {
        this.#queries.delete(queryid);
      }
      const first = fin?.getChild('set', NS_RSM)?.getChildText('first');
      if (!fin || fin.attrs.complete === 'true' || !first) break;
      before = first;
    }
    return found;
  }
}
