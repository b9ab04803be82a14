// How XMPP presence maps onto Switchboard's presence words, and how several resources add up.
import jid from '@xmpp/jid';
import { showRank, type PresenceShow } from '../../shared/domain';

/** RFC 6121 <show/>: absent or "chat" is available; "dnd" is busy. Anything unknown counts as away. */
export function showFromXmpp(show: string | null | undefined): PresenceShow {
  switch ((show ?? '').trim()) {
    case '':
    case 'chat':
      return 'available';
    case 'dnd':
      return 'busy';
    case 'xa':
      return 'xa';
    default:
      return 'away';
  }
}

/** What one device (resource) says: its show and the words set with it (<status/>). */
export interface ResourcePresence {
  readonly show: PresenceShow;
  readonly status?: string;
}

/**
 * A person logged in from several devices is as available as their most available device; the words
 * shown are that device's (or, where it set none, the next device's that did).
 */
export function bestPresence(devices: Iterable<ResourcePresence>): ResourcePresence {
  const list = [...devices].sort((a, b) => showRank[b.show] - showRank[a.show]);
  const show = list[0]?.show ?? 'offline';
  const status = list.find((d) => d.status)?.status;
  return status ? { show, status } : { show };
}

/**
 * name@Server/resource → name@server: the address a contact is known by, as @xmpp/jid normalizes it
 * (local part and domain lowercased, XEP-0106 escaping where the local part needs it). Something
 * that is no JID at all (no domain) is kept, trimmed and lowercased, so that it can still be matched.
 */
export function bareAddress(address: string): string {
  // The common case, an address of plain letters, digits and . _ - + around one @: @xmpp/jid would
  // only lowercase it and drop the resource, so that is done here without parsing (a storm of ten
  // thousand presences asks this for every stanza, several times).
  const plain = PLAIN.exec(address);
  if (plain) return plain[1]!.toLowerCase();
  const trimmed = address.trim();
  try {
    return jid(trimmed).bare().toString();
  } catch {
    return (trimmed.split('/')[0] ?? '').toLowerCase();
  }
}

/** local@domain, or a domain alone, of characters XEP-0106 never escapes; then an optional /resource. */
const PLAIN = /^((?:[A-Za-z0-9._+-]+@)?[A-Za-z0-9.-]+)(?:\/.*)?$/s;
