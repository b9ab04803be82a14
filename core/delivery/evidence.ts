// What evidence does to a message's state: it only ever moves forward. A server's acceptance makes it
// sent, a receipt delivered, a read marker read; whatever came before (waiting, sending, even "not
// delivered") gives way to it, and nothing moves a state back.
import type { MessageState } from '../../shared/domain';

export type Evidence = 'accepted' | 'delivered' | 'read';

const evidenceState = { accepted: 'sent', delivered: 'delivered', read: 'read' } as const satisfies Record<Evidence, MessageState>;
const rank: Record<MessageState, number> = { waiting: 0, sending: 0, failed: 0, received: 0, sent: 1, delivered: 2, read: 3 };

/** The state this evidence moves a message to, or undefined when it is no step forward. */
export function forward(state: MessageState, evidence: Evidence): MessageState | undefined {
  if (state === 'received') return undefined;
  const next = evidenceState[evidence];
  return rank[next] > rank[state] ? next : undefined;
}

/** The furthest of two pieces of evidence. */
export function furthest(a: Evidence | undefined, b: Evidence | undefined): Evidence | undefined {
  if (!a || !b) return a ?? b;
  return rank[evidenceState[a]] >= rank[evidenceState[b]] ? a : b;
}

export const stateOf = (evidence: Evidence): MessageState => evidenceState[evidence];
