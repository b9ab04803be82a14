// An event that may be asked for many times a second (the list of new people, while an account's
// roster of thousands is read) is sent at most once per window, with what holds when it is sent:
// a roster of 2,000 suggestions is one event of 2,000, not 2,000 events of up to 2,000 each.

export class Windowed {
  readonly #send: () => void;
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(send: () => void, ms = 50) {
    this.#send = send;
    this.#ms = ms;
  }

  /** Asks for a send: the first ask in a window schedules it, later ones join it. */
  trigger(): void {
    this.#timer ??= setTimeout(() => this.flush(), this.#ms);
  }

  /** Sends now if a send was asked for (also on stop, so that nothing waits behind a timer). */
  flush(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#send();
  }
}
