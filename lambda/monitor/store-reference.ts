/**
 * Stores a fitted reference where the monitor reads it: the reference document at
 * `monitorKeys.reference(model)` and its bins as JSON lines at `monitorKeys.referenceBins(model, id)`,
 * the rows of the Athena table a wide model's profile query joins (`lib/monitor/reference-bins-table.ts`).
 * `driftwatch reference --push` calls it with an S3 store; the monitor's own fit can call it with its port.
 */
import type { ObjectStore } from '../ports/object-store';
import { referenceBinRows } from '../sql/profile-query';
import { monitorKeys } from './layout';
import { serializeReference, type MonitorReference } from './reference';

/** The keys `storeReference` wrote, relative to the store's root. */
export interface StoredReference {
  readonly referenceKey: string;
  readonly binsKey: string;
  /** Lines in the bins object (one per PSI edge, fine edge and category). */
  readonly binRows: number;
}

/**
 * The reference's bins as JSON lines, one object per line with the table's columns in order:
 * `reference_id, feature, bin_set, position, edge, category`.
 *
 * @example referenceBinLines(reference).split('\n')[0] // '{"reference_id":"3f…","feature":"age","bin_set":"psi","position":0,"edge":31,"category":null}'
 */
export function referenceBinLines(reference: MonitorReference): string {
  const lines = referenceBinRows(reference.profile).map((row) =>
    JSON.stringify({
      reference_id: reference.referenceId,
      feature: row.feature,
      bin_set: row.bin_set,
      position: row.position,
      edge: row.edge,
      category: row.category,
    }),
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Writes the bins first and the reference last: the reference names its bins by id, so a profile
 * run that reads the new reference always finds its bins (a run between the two writes still reads
 * the previous reference, whose bins are under their own id).
 *
 * @throws ReferenceWriteFailed naming the object (`store.uri(key)`) that could not be written, with the store's error as cause
 */
export async function storeReference(store: Pick<ObjectStore, 'putJson' | 'putText' | 'uri'>, reference: MonitorReference): Promise<StoredReference> {
  const binsKey = monitorKeys.referenceBins(reference.modelId, reference.referenceId);
  const referenceKey = monitorKeys.reference(reference.modelId);
  const lines = referenceBinLines(reference);
  await named(store, binsKey, () => store.putText(binsKey, lines, 'application/x-ndjson'));
  await named(store, referenceKey, () => store.putJson(referenceKey, serializeReference(reference)));
  return { referenceKey, binsKey, binRows: lines === '' ? 0 : lines.split('\n').length - 1 };
}

/** A write of the reference or its bins that the store refused; `uri` names the object. */
export class ReferenceWriteFailed extends Error {
  constructor(
    readonly uri: string,
    cause: unknown,
  ) {
    super(`cannot write ${uri}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
    this.name = 'ReferenceWriteFailed';
  }
}

async function named(store: Pick<ObjectStore, 'uri'>, key: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new ReferenceWriteFailed(store.uri(key), error);
  }
}
