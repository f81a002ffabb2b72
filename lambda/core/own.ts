/**
 * Records keyed by names that come from data — column names, feature names, metric names — where
 * `constructor`, `toString` or `__proto__` are names like any other, not Object.prototype's members.
 */

/**
 * `record[key]` when it is the record's own property, else undefined (never an inherited member).
 * @example own({}, 'constructor') // undefined, where ({})['constructor'] is the Object function
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * An empty record without a prototype: any string is a key, `__proto__` included (assigning it on a
 * plain object sets the prototype instead and the entry is lost).
 * @example const kinds = dict<FeatureKind>(); kinds['__proto__'] = 'numeric'; Object.keys(kinds) // ['__proto__']
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
