// The questions put to the sender before an intrusive step: asked, answered, or withdrawn. A question
// is withdrawn (the window hears it answered) when the delivery ends without an answer, or when the
// person has answered meanwhile: nobody is asked about someone who has already replied.
import { randomUUID } from 'node:crypto';
import type { DeliveryPrompt } from '../../shared/domain';
import { onAbort } from '../abort';
import type { CoreEvents } from '../events';
import { NotFoundError } from '../ipc/handlers';

interface Open {
  readonly prompt: DeliveryPrompt;
  readonly answer: (send: boolean) => void;
}

export class PromptBroker {
  readonly #events: CoreEvents;
  readonly #open = new Map<string, Open>();

  constructor(events: CoreEvents) {
    this.#events = events;
  }

  list(): DeliveryPrompt[] {
    return [...this.#open.values()].map((o) => o.prompt);
  }

  /** Asks; resolves with the answer, or false when the signal fires first (the question is withdrawn). */
  ask(question: Omit<DeliveryPrompt, 'id'>, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    const prompt: DeliveryPrompt = { id: randomUUID(), ...question };
    return new Promise((resolve) => {
      let offAbort = () => {};
      const answer = (send: boolean) => {
        if (!this.#open.delete(prompt.id)) return;
        offAbort();
        this.#events.emit('delivery:answered', { promptId: prompt.id });
        resolve(send);
      };
      this.#open.set(prompt.id, { prompt, answer });
      this.#events.emit('delivery:prompted', prompt);
      offAbort = onAbort(signal, () => answer(false));
    });
  }

  answer(promptId: string, send: boolean): void {
    const open = this.#open.get(promptId);
    if (!open) throw new NotFoundError('That question was already answered or is no longer asked.');
    open.answer(send);
  }

  /** Takes back every open question about one message (its asker hears "no"). */
  withdraw(messageId: string): void {
    for (const open of [...this.#open.values()]) if (open.prompt.messageId === messageId) open.answer(false);
  }
}
