// The inbox: where a message someone sent us lands. From a contact it goes into their one
// conversation, whatever the mechanism; from anyone else into New people, within limits. A copy seen
// before in that conversation (the sender's id over any mechanism, or a server's id on its own
// mechanism, XEP-0359) is shown once. The window is told of each message kept.
import { randomUUID } from 'node:crypto';
import type { MechanismId, MessageView } from '../../shared/domain';
import type { IncomingMessage } from '../../shared/mechanism';
import type { ContactDirectory } from '../contacts/directory';
import { strangerConversation, type StrangerInbox, type StrangerStore } from '../contacts/strangers';
import type { CoreEvents } from '../events';
import type { ReadMarkers } from './read-markers';
import type { MessageStore } from './store';

/** A message longer than this is cut: a line of chat, not a file. */
export const MAX_INCOMING_BODY = 20_000;

/**
 * When a message takes its place in its conversation: now, or when the server had it where it says
 * (an archive's or the offline store's stamp, never in the future) — but never above a message the
 * conversation already shows: a message caught up from an archive is later than what was held (the
 * archive is read after it), servers stamp to the second, and the conversation must not change above
 * the reader.
 */
function placedAt(message: IncomingMessage, latest: () => number): number {
  const now = Date.now();
  if (typeof message.at !== 'number' || !Number.isFinite(message.at) || message.at <= 0) return now;
  return Math.min(Math.max(message.at, latest() + 1), now);
}

/** The keys under which a received message's ids are remembered: the sender's anywhere, a server's on its mechanism. */
export function incomingIds(mechanism: MechanismId, message: IncomingMessage): string[] {
  const ids: string[] = [];
  if (typeof message.id === 'string' && message.id) ids.push(`sender:${message.id.slice(0, 200)}`);
  if (typeof message.serverId === 'string' && message.serverId) ids.push(`server:${mechanism}:${message.serverId.slice(0, 200)}`);
  return ids;
}

export interface InboxDeps {
  readonly contacts: () => ContactDirectory;
  readonly normalize: (mechanism: MechanismId, address: string) => string;
  readonly store: MessageStore;
  readonly strangers: StrangerStore;
  readonly strangerInbox: StrangerInbox;
  readonly events: CoreEvents;
  /** The New people list changed (someone new wrote). */
  readonly newPeopleChanged: () => void;
  /** Where a received message's name on its mechanism is kept, for read markers (none: not kept). */
  readonly markers?: ReadMarkers;
}

export class Inbox {
  readonly #deps: InboxDeps;

  constructor(deps: InboxDeps) {
    this.#deps = deps;
  }

  /** Keeps a message a mechanism received (unless it is empty, a copy already shown, or from someone flooding). */
  receive(mechanism: MechanismId, message: IncomingMessage): MessageView | undefined {
    const { contacts, normalize, store, strangers, strangerInbox, events } = this.#deps;
    const body = String(message.body).slice(0, MAX_INCOMING_BODY);
    if (!body.trim()) return undefined;
    const [contact] = contacts().byAddress(mechanism, message.from);
    const remoteIds = incomingIds(mechanism, message);
    if (message.fromOwnDevice) return contact ? this.#writtenElsewhere(mechanism, contact.id, body, remoteIds, message) : undefined;
    const stranger = contact ? undefined : strangers.find(mechanism, normalize(mechanism, message.from));
    const conversation = contact?.id ?? (stranger && strangerConversation(stranger.id));
    if (conversation && store.hasIncoming(conversation, remoteIds)) return undefined;
    const at = placedAt(message, () => (conversation ? store.latestAt(conversation) : 0));
    const fields = { id: randomUUID(), direction: 'in', body, state: 'received', at, priority: 'normal' } as const;
    let view: MessageView;
    if (contact) {
      view = { ...fields, contactId: contact.id };
      store.add(view);
      store.noteIncoming(view.contactId, view.id, remoteIds);
    } else {
      // Someone not in the contact list: kept within limits, so that a flood cannot fill the disk.
      const kept = strangerInbox.receive(mechanism, normalize(mechanism, message.from), fields);
      if (!kept) return undefined;
      view = kept.message;
      store.noteIncoming(view.contactId, view.id, remoteIds);
      if (kept.listChanged) this.#deps.newPeopleChanged();
    }
    this.#deps.markers?.noteIncoming(view.id, mechanism, message);
    events.emit('messages:changed', view);
    return view;
  }

  /**
   * What the user wrote to a contact on another of their devices: shown as sent in the conversation,
   * once; only the diagnostics say it was written elsewhere (an attempt of no manager, on that
   * mechanism). Written to someone not in the contacts, it is left to that device.
   */
  #writtenElsewhere(mechanism: MechanismId, contactId: string, body: string, remoteIds: readonly string[], message: IncomingMessage): MessageView | undefined {
    const { store, events } = this.#deps;
    if (store.hasIncoming(contactId, remoteIds)) return undefined;
    // One Switchboard sent itself (found again in the archive): its id travelled as the origin-id.
    if (typeof message.id === 'string' && store.get(message.id)) return undefined;
    const view: MessageView = { id: randomUUID(), contactId, direction: 'out', body, state: 'sent', at: placedAt(message, () => store.latestAt(contactId)), priority: 'normal' };
    store.add(view);
    store.noteIncoming(contactId, view.id, remoteIds);
    store.beginAttempt({ messageId: view.id, manager: '', configuration: '', mechanism, outcome: 'accepted', detail: WRITTEN_ELSEWHERE });
    events.emit('messages:changed', view);
    return view;
  }
}

/** How the diagnostics word a message the user wrote on another device. */
export const WRITTEN_ELSEWHERE = 'written on another of your devices';
