// The message store: every message and every state change is appended to a JSON-lines file before it
// is acted on, so a message is on disk before any mechanism is asked to send it. (SQLite replaces this
// file when the routing engine arrives; the interface stays.)
import fs from 'node:fs';
import path from 'node:path';
import type { ContactId, MessageView } from '../../shared/domain';
import type { Logger } from '../../shared/mechanism';

export interface MessageStore {
  add(message: MessageView): void;
  update(id: string, patch: Partial<Pick<MessageView, 'state' | 'failure'>>): MessageView | undefined;
  get(id: string): MessageView | undefined;
  list(contactId: ContactId): MessageView[];
  /** Outgoing messages that never reached a final state (the process stopped while sending). */
  unfinished(): MessageView[];
}

type Line = { readonly kind: 'message'; readonly message: MessageView } | { readonly kind: 'update'; readonly id: string; readonly patch: Partial<MessageView> };

export class FileMessageStore implements MessageStore {
  readonly #messages = new Map<string, MessageView>();
  readonly #file: string;

  constructor(directory: string, log: Logger) {
    fs.mkdirSync(directory, { recursive: true });
    this.#file = path.join(directory, 'messages.jsonl');
    if (!fs.existsSync(this.#file)) return;
    let skipped = 0;
    for (const text of fs.readFileSync(this.#file, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      try {
        this.#apply(JSON.parse(text) as Line);
      } catch {
        skipped += 1; // a line cut short by a crash: the rest of the history is still good
      }
    }
    if (skipped) log.warn(`${skipped} unreadable line(s) skipped in ${this.#file}`);
  }

  #apply(line: Line): void {
    if (line.kind === 'message') this.#messages.set(line.message.id, line.message);
    else {
      const current = this.#messages.get(line.id);
      if (current) this.#messages.set(line.id, { ...current, ...line.patch });
    }
  }

  #append(line: Line): void {
    // appendFileSync: the line is written before the caller goes on to send.
    fs.appendFileSync(this.#file, `${JSON.stringify(line)}\n`);
    this.#apply(line);
  }

  add(message: MessageView): void {
    this.#append({ kind: 'message', message });
  }

  update(id: string, patch: Partial<Pick<MessageView, 'state' | 'failure'>>): MessageView | undefined {
    if (!this.#messages.has(id)) return undefined;
    this.#append({ kind: 'update', id, patch });
    return this.#messages.get(id);
  }

  get(id: string): MessageView | undefined {
    return this.#messages.get(id);
  }

  list(contactId: ContactId): MessageView[] {
    return [...this.#messages.values()].filter((m) => m.contactId === contactId).sort((a, b) => a.at - b.at);
  }

  unfinished(): MessageView[] {
    return [...this.#messages.values()].filter((m) => m.state === 'sending');
  }
}
