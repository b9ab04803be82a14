// Seeded randomness for the chaos drill: the same --seed gives the same schedule of kills, restarts
// and cut intervals, so a run that found a fault can be repeated.

/** mulberry32: small, fast, and good enough to spread a drill's events; not for anything secret. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [min, max]. */
export const between = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** `count` distinct whole numbers in [min, max], in ascending order. */
export function distinct(random: () => number, count: number, min: number, max: number): number[] {
  const chosen = new Set<number>();
  const room = max - min + 1;
  while (chosen.size < Math.min(count, room)) chosen.add(between(random, min, max));
  return [...chosen].sort((x, y) => x - y);
}
