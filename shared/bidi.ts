// Text from outside (a person's name, a server's reason) that goes inside a sentence of ours is wrapped
// in a Unicode isolate (FSI … PDI), so that right-to-left letters or a stray override character in it
// cannot reorder the rest of our sentence. The renderer isolates whole texts with <bdi>; this is for
// sentences the core builds, where the renderer can no longer tell the parts apart.

/** Explicit direction controls (LRM, RLM, ALM, embeddings, overrides, isolates) and right-to-left scripts. */
const needsIsolation = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]|[\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

const FSI = '\u2068';
const PDI = '\u2069';

/**
 * The text isolated from what surrounds it. Plain left-to-right text is returned as it is, so that
 * sentences about "Jane Doe" stay byte-for-byte what they were; the isolate's end also closes any
 * embedding or override the text left open.
 */
export function isolate(text: string): string {
  return needsIsolation.test(text) ? `${FSI}${text}${PDI}` : text;
}
