// Text that comes from outside Switchboard (a message, a name, an address, a server's reason) is shown in
// its own bidirectional isolate: direction marks inside it, such as a right-to-left override, then
// reorder that text only, never the app's own words, quotes and buttons around it.
import type { ReactNode } from 'react';

/** Outside text, taking its direction from its own first letter (so Arabic or Hebrew reads right to left). */
export function Outside({ children }: { children: ReactNode }) {
  return <bdi>{children}</bdi>;
}

/** One of the app's own sentences that quotes outside text: kept apart from what is next to it, left to right. */
export function Quoting({ children }: { children: ReactNode }) {
  return <bdi dir="ltr">{children}</bdi>;
}
