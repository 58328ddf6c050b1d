/**
 * A read shared by everyone who asks for the same key while it lasts (a batch
 * of events reads each account once, say): the first asker's read is handed
 * to the others. A read that fails is not kept, so the next asker reads again.
 */
export function readOncePerKey<V>(): (key: string, read: () => Promise<V>) => Promise<V> {
  const reads = new Map<string, Promise<V>>();
  return (key, read) => {
    const known = reads.get(key) ?? read();
    reads.set(key, known);
    known.catch(() => reads.delete(key));
    return known;
  };
}
