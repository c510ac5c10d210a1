/**
 * What an algorithm remembers per experiment between requests, for the `limit` experiments
 * asked about most recently (least recently used first out): `recent(key, create)` returns
 * the key's value, made by `create` the first time.
 */
export function createRecent<V>(limit: number): (key: string, create: () => V) => V {
  const values = new Map<string, V>();
  return (key, create) => {
    let value = values.get(key);
    if (value !== undefined) values.delete(key);
    else if (values.size >= limit) values.delete(values.keys().next().value as string);
    values.set(key, (value ??= create()));
    return value;
  };
}
