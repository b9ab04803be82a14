// Diagnostics, for the settings screen only: the latest messages sent, each with every attempt made
// for it (mechanism, outcome, detail). This is where "which way did it go" is answered; the
// conversation never says it.
import type { DiagnosticsEntry } from '../shared/domain';
import type { ContactDirectory } from './contacts/directory';
import type { MessageStore } from './messages/store';

export function recentDeliveries(store: MessageStore, contacts: ContactDirectory, limit: number): DiagnosticsEntry[] {
  return store.recentOutgoing(limit).map((message) => ({
    message,
    // A contact removed since: its id is all that is left to name it by.
    contactName: contacts.get(message.contactId)?.name ?? message.contactId,
    attempts: store.attempts(message.id),
  }));
}
