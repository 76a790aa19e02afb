// The memory backends' HMGET: what a map holds under some keys.
/** The entries of `map` under these keys (those it has), as HMGET answers them. */
export function entriesOf<V>(map: Map<string, V>, keys: string[]): Map<string, V> {
  const found = new Map<string, V>();
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined) found.set(key, value);
  }
  return found;
}
