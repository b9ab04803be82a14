// XEP-0198 stream management for the XMPP mechanism: counts what we send and what the server says it
// handled, resumes a dropped session, and tells each sent stanza's fate: acknowledged, not received
// (the server's count stops before it), or unknown (the session is gone and the server said nothing).
//
// Written here instead of using @xmpp/stream-management 0.14, because a message's fate rests on it and
// that module gets it wrong under cuts: its <resume/> and <enable/> waits have no end, so one cut
// before the answer lives into the next connection and binds a second resource there; it ignores the
// 'h' a server puts on <failed/>, so stanzas the server did take are reported lost and sent twice; it
// counts a stanza only once the socket's write callback ran, after the server's ack may have come; and
// it acks only when asked, so a burst of archive results overflows the server's queue and the session
// can no longer resume ("Too many unacked stanzas").
import { EventEmitter } from 'node:events';
import type { Client } from '@xmpp/client-core';
import type { StreamFeatures } from '@xmpp/stream-features';
import xml, { type Element } from '@xmpp/xml';

export const NS_SM = 'urn:xmpp:sm:3';
const NS_DELAY = 'urn:xmpp:delay';
const isStanza = (e: Element) => e.name === 'message' || e.name === 'presence' || e.name === 'iq';

export interface StreamManagementOptions {
  /** How long the server has to answer <enable/> or <resume/>. */
  readonly answerMs?: number;
  /** An <r/> unanswered this long means the link is dead (a network that vanished sends no FIN): cut it. */
  readonly livenessMs?: number;
  /** How long the line may be quiet before we ask for an ack (and so find a dead link). */
  readonly idleMs?: number;
  /** We ack the server after this many stanzas from it, without waiting to be asked. */
  readonly ackEvery?: number;
}

/** How long an <r/> waits for its <a/>: long enough to count a burst in one answer, far below any server's patience. */
const ANSWER_R_WITHIN_MS = 25;

/** Why a stanza will get no ack: the server's count says it never came, or nothing can be known. */
export type Fate = 'not-received' | 'unknown';

interface Queued {
  readonly stanza: Element;
  readonly stamp: string;
}

/**
 * Events: 'ack' (stanza) — the server has it; 'fail' (stanza, fate) — it will get no ack;
 * 'enabled' — this stream counts; 'resumed' — the old session goes on; 'settled' — enabling is over,
 * granted or not.
 */
export class StreamManagement extends EventEmitter {
  /** The server counts on this stream (<enabled/> or <resumed/> came). */
  enabled = false;
  /** The resumable session's id; empty when there is none to resume. */
  id = '';
  /** The connection of the moment; the session outlives each one. */
  #entity: Client | undefined;
  readonly #options: Required<StreamManagementOptions>;
  /** Stanzas sent on the session and not yet acknowledged, oldest first. */
  #queue: Queued[] = [];
  /** Stanzas we asked to be forgotten: the server's count still covers them, but they are never resent. */
  readonly #abandoned = new WeakSet<Element>();
  /** What the server has acknowledged of ours, as its 'h'. */
  #acked = 0;
  /** Stanzas we received on the session. */
  #inbound = 0;
  #inboundAcked = 0;
  /** Stanzas sent now are counted: <enable/> went out, or the session was resumed. */
  #counting = false;
  /** Whether this stream's enabling is still under way. */
  #settling = false;
  /** Whether <resume/> is out and unanswered on this stream. */
  #resuming = false;
  #requestTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #livenessTimer: NodeJS.Timeout | undefined;
  #ackTimer: NodeJS.Timeout | undefined;
  #ackDue = 0;
  /** The ack sent at the end of this turn, once for everything the turn read. */
  #ackThisTurn: NodeJS.Immediate | undefined;
  /** Ends the current stream's waits (answers to <enable/>, <resume/>) when it drops. */
  #stream = new AbortController();

  constructor(options: StreamManagementOptions = {}) {
    super();
    this.#options = { answerMs: 10_000, livenessMs: 20_000, idleMs: 30_000, ackEvery: 100, ...options };
  }

  /**
   * Takes on a new connection (a new xmpp.js client: nothing of an earlier one can act on it). What an
   * earlier connection still says is ignored from now on.
   */
  attach(entity: Client, features: StreamFeatures): void {
    if (this.#entity) this.#disconnected(this.#entity);
    this.#entity = entity;
    this.#countOutgoing(entity);
    const current = () => this.#entity === entity;
    entity.on('stanza', () => current() && this.#received());
    entity.on('nonza', (element: Element) => current() && this.#nonza(element));
    // A stream closed cleanly (by the server, or by us) ends the session with it: it cannot be resumed.
    entity.on('close', () => current() && this.#endSession());
    entity.on('disconnect', () => this.#disconnected(entity));
    features.use('sm', NS_SM, async (_ctx, next) => {
      if (!current()) return;
      const stream = this.#stream.signal; // this stream's: a drop ends its waits, and nothing of it reaches the next
      if (this.id && (await this.#resume(entity, stream))) return; // resumed: no new resource is bound
      await next(); // binds the resource: "online"
      if (!stream.aborted) await this.#enable(entity, stream);
    });
  }

  /** Whether a stanza sent now is counted, and so will be acknowledged or failed. */
  get counting(): boolean {
    return this.#counting;
  }

  /**
   * The session cannot be resumed (the server ended it, or we stop): every stanza still waiting gets
   * its fate now, unknown, since the server may have had it.
   */
  #endSession(): void {
    this.id = '';
    this.#failAll('unknown');
  }

  /**
   * Gives up waiting for this stanza's ack: it is not resent on resumption (whoever sent it sends it
   * again if it must). Its place in the server's count is kept.
   */
  abandon(stanza: Element): void {
    this.#abandoned.add(stanza);
  }

  // Counts a stanza when it is handed to the connection, before a byte is written: the server's ack
  // can then never come before the stanza is in the queue it settles.
  #countOutgoing(entity: Client): void {
    const send = entity.send.bind(entity);
    entity.send = (element: Element) => {
      if (this.#entity === entity && this.#counting && isStanza(element)) {
        this.#queue.push({ stanza: element, stamp: new Date().toISOString() });
        this.#askSoon();
      }
      return send(element);
    };
  }

  #received(): void {
    if (!this.enabled) return;
    this.#inbound++;
    this.#idle();
    // Acked without being asked every hundred or so (one ack at the end of the turn counts all the
    // turn read), else within half a second: the server's queue for us stays far below its limit (500
    // on Prosody) even when an archive query brings hundreds of results at once, and a storm of 10,000
    // presences costs it some tens of acks, not 2,000 (each of which made it ask for another).
    if (this.#inbound - this.#inboundAcked >= this.#options.ackEvery) this.#ackAtEndOfTurn();
    else this.#ackWithin(500);
  }

  // State changes on the server's answers are made here, at once: the stanzas that follow an answer in
  // the same read are parsed before any promise continuation could run, and must be counted.
  #nonza(element: Element): void {
    if (element.is('enabled', NS_SM) && this.#settling) {
      this.enabled = true;
      this.#inbound = this.#inboundAcked = 0;
      this.id = element.attrs.resume === 'true' || element.attrs.resume === '1' ? (element.attrs.id ?? '') : '';
    } else if (element.is('resumed', NS_SM) && this.#resuming) this.#resumed(element);
    else if (element.is('failed', NS_SM) && this.#resuming) this.#resumeFailed(element);
    // Answered within a moment, not at once: the server asks again as soon as our answer comes while
    // stanzas flow, and answering each ask at once made a storm a ping-pong of <r/> and <a/> that cost
    // the server as much as the storm itself.
    else if (element.is('r', NS_SM)) this.#ackWithin(ANSWER_R_WITHIN_MS);
    else if (element.is('a', NS_SM)) {
      clearTimeout(this.#livenessTimer);
      this.#livenessTimer = undefined;
      this.#ackUpTo(Number(element.attrs.h));
      this.#idle();
    }
  }

  /** Acks within `ms`, unless an ack is already due sooner. */
  #ackWithin(ms: number): void {
    const due = performance.now() + ms;
    if (this.#ackTimer && this.#ackDue <= due) return;
    clearTimeout(this.#ackTimer);
    this.#ackDue = due;
    this.#ackTimer = setTimeout(() => this.#sendAck(), ms);
  }

  #ackAtEndOfTurn(): void {
    this.#ackThisTurn ??= setImmediate(() => this.#sendAck());
  }

  #sendAck(): void {
    clearTimeout(this.#ackTimer);
    clearImmediate(this.#ackThisTurn);
    this.#ackTimer = this.#ackThisTurn = undefined;
    if (!this.enabled) return;
    this.#inboundAcked = this.#inbound;
    this.#entity?.send(xml('a', { xmlns: NS_SM, h: String(this.#inbound) })).catch(() => undefined);
  }

  /** Settles the queue up to the server's count h (counts wrap at 2^32, as the XEP says). */
  #ackUpTo(h: number): void {
    if (!Number.isFinite(h)) return;
    const fresh = (h - this.#acked + 2 ** 32) % 2 ** 32;
    if (fresh > this.#queue.length) return; // a count beyond what we sent is the server's mistake: trust none of it
    this.#acked = h;
    for (const item of this.#queue.splice(0, fresh)) this.emit('ack', item.stanza);
  }

  #failAll(fate: Fate): void {
    for (const item of this.#queue.splice(0)) this.emit('fail', item.stanza, fate);
  }

  /**
   * After a send, asks for an ack within 100 ms; sends meanwhile share that request. Not a debounce: a
   * steady stream of sends would push the request back for as long as it lasts, and settle nothing.
   */
  #askSoon(): void {
    if (this.enabled) this.#requestTimer ??= setTimeout(() => this.#requestAck(), 100);
  }

  #requestAck(): void {
    clearTimeout(this.#requestTimer);
    this.#requestTimer = undefined;
    if (!this.enabled) return;
    this.#entity?.send(xml('r', { xmlns: NS_SM })).catch(() => undefined);
    this.#livenessTimer ??= setTimeout(() => {
      // No answer: the link is dead though the socket does not know it. Dropping it lets the session resume elsewhere.
      this.#livenessTimer = undefined;
      this.emit('dead');
    }, this.#options.livenessMs);
  }

  /** A quiet line is checked now and then, so that a link that died silently is found. */
  #idle(): void {
    clearTimeout(this.#idleTimer);
    if (this.enabled) this.#idleTimer = setTimeout(() => this.#requestAck(), this.#options.idleMs);
  }

  /** Waits for the server's answer to a nonza we send: one of `names`, or undefined on a drop or the limit. */
  #ask(entity: Client, request: Element, names: readonly string[], signal: AbortSignal): Promise<Element | undefined> {
    return new Promise((resolve) => {
      const end = (answer: Element | undefined) => {
        clearTimeout(timer);
        entity.off('nonza', listener);
        signal.removeEventListener('abort', dropped);
        resolve(answer);
      };
      const listener = (element: Element) => {
        if (names.some((name) => element.is(name, NS_SM))) end(element);
      };
      const dropped = () => end(undefined);
      const timer = setTimeout(dropped, this.#options.answerMs);
      if (signal.aborted) return end(undefined);
      signal.addEventListener('abort', dropped);
      entity.on('nonza', listener);
      entity.send(request).catch(dropped);
    });
  }

  /** Resumes the old session; false when the server would not (see #nonza for what its answer does). */
  async #resume(entity: Client, stream: AbortSignal): Promise<boolean> {
    this.#resuming = true;
    const answer = await this.#ask(entity, xml('resume', { xmlns: NS_SM, h: String(this.#inbound), previd: this.id }), ['resumed', 'failed'], stream);
    this.#resuming = false;
    if (!answer) throw new Error('the server did not answer the resumption');
    if (answer.is('failed')) return false;
    if (stream.aborted) return true; // resumed and dropped at once: what is left waits for the next resumption
    this.emit('resumed');
    entity._ready(true); // online again, without a second 'online': nothing is bound anew
    this.#idle();
    return true;
  }

  /** The server kept the session: settled up to its count, and what it did not count goes again, in order. */
  #resumed(answer: Element): void {
    const entity = this.#entity!;
    this.#ackUpTo(Number(answer.attrs.h));
    this.enabled = true;
    this.#counting = true;
    this.#inboundAcked = this.#inbound;
    // Resent before anything else is sent, so that the queue stays in the order of the wire; an
    // abandoned stanza is not resent (and so not counted again).
    for (const item of this.#queue.splice(0)) {
      if (this.#abandoned.has(item.stanza)) this.emit('fail', item.stanza, 'not-received' satisfies Fate);
      else {
        if (item.stanza.name === 'message' && !item.stanza.getChild('delay', NS_DELAY)) {
          item.stanza.children.push(xml('delay', { xmlns: NS_DELAY, stamp: item.stamp }));
        }
        entity.send(item.stanza).catch(() => undefined);
      }
    }
  }

  /** The session is gone. With its count the server says what it never got (certain); without it, nothing is known. */
  #resumeFailed(answer: Element): void {
    const h = answer.attrs.h === undefined ? undefined : Number(answer.attrs.h);
    if (h !== undefined) this.#ackUpTo(h);
    this.id = '';
    this.#failAll(h === undefined ? 'unknown' : 'not-received');
  }

  async #enable(entity: Client, stream: AbortSignal): Promise<void> {
    // The counter of our own stanzas starts at <enable/>; the server's, at <enabled/> (see #nonza).
    this.#failAll('unknown'); // nothing should be left from an earlier session; if it is, its fate is not known
    this.#acked = 0;
    this.#counting = true;
    this.#settling = true;
    this.unanswered = false;
    const answer = await this.#ask(entity, xml('enable', { xmlns: NS_SM, resume: 'true' }), ['enabled', 'failed'], stream);
    if (stream.aborted) return; // the stream dropped meanwhile, and #disconnected settled it
    this.#settling = false;
    if (answer?.is('enabled')) {
      this.emit('enabled');
      this.#askSoon();
      this.#idle();
    } else {
      // Refused or unanswered: nothing is counted on this stream, and what was sent meanwhile is unknown.
      this.#counting = false;
      this.#failAll('unknown');
      // Unanswered, the server may yet count what we send while we do not: the stream cannot be trusted.
      if (!answer) this.unanswered = true;
    }
    this.emit('settled');
  }

  /**
   * The server offered stream management and never answered <enable/> on this stream: it may count
   * what we send while we cannot, so that no ack could be matched. Such a stream is dropped and the
   * next one tried; a server that refuses (<failed/>) is used without acks.
   */
  unanswered = false;

  #disconnected(entity: Client): void {
    if (entity !== this.#entity) return; // an earlier connection, already given up
    this.#entity = undefined;
    this.#stream.abort();
    this.#stream = new AbortController();
    for (const timer of [this.#requestTimer, this.#idleTimer, this.#livenessTimer, this.#ackTimer]) clearTimeout(timer);
    clearImmediate(this.#ackThisTurn);
    this.#requestTimer = this.#idleTimer = this.#livenessTimer = this.#ackTimer = this.#ackThisTurn = undefined;
    this.enabled = false;
    this.#counting = false;
    this.#resuming = false;
    if (this.#settling) {
      this.#settling = false;
      this.emit('settled');
    }
    // Without a session to resume, the server's count of what it had is gone with the stream.
    if (!this.id) this.#failAll('unknown');
  }
}
