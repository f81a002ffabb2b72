/**
 * Paired shadow traffic in the Firehose layout on DuckDB: every request answered by the champion
 * (variant champion, its version) and copied to the candidate (variant shadow, its version) under the
 * same prediction_id, with ground truth for a share of them. The truth and both models' answers come
 * from a seeded generator, so a test states how often each model is right and knows the paired counts.
 */
import { groundTruthColumns, predictionColumns, type ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { prng } from '../support/random';
import { type LocalEngine, registerFirehoseTable, writeFirehoseParquet } from '../support/duckdb';

export interface ShadowTraffic {
  readonly requests: number;
  /** Share of the requests with a label. */
  readonly labelledShare: number;
  /** Probability each model's answer is right. */
  readonly championAccuracy: number;
  readonly candidateAccuracy: number;
  readonly championVersion: string;
  readonly candidateVersion: string;
  readonly seed: number;
  /** The hour the traffic arrives (UTC). */
  readonly at: Date;
  /** Whether each request is copied to the candidate (variant shadow). @default true; false: the champion serves alone */
  readonly shadowCopies?: boolean;
}

export interface WrittenTraffic {
  /** (label, champion, candidate) → count over labelled rows. */
  readonly cells: Map<string, number>;
  readonly labelled: number;
}

/** Where the views go: as the Glue tables are named (`lib/common/naming.ts`), or the SQL tests' names by default. */
export interface TrafficTables {
  readonly database: string;
  readonly predictions: string;
  readonly labels: string;
}

/** Writes the predictions and labels of a binary classifier and registers them as views. */
export async function writeShadowTraffic(engine: LocalEngine, root: string, spec: ModelRecordSpec, t: ShadowTraffic, tables?: TrafficTables): Promise<WrittenTraffic> {
  const names = tables ?? { database: 'driftwatch', predictions: `${spec.modelId}_predictions`, labels: `${spec.modelId}_labels` };
  const next = prng(t.seed);
  const iso = t.at.toISOString();
  const dt = iso.slice(0, 10);
  const hour = iso.slice(11, 13);
  const predictions: Record<string, unknown>[] = [];
  const labels: Record<string, unknown>[] = [];
  const cells = new Map<string, number>();
  let labelled = 0;
  const flip = (v: string) => (v === '1' ? '0' : '1');
  for (let i = 0; i < t.requests; i++) {
    const truth = next() < 0.3 ? '1' : '0';
    const champion = next() < t.championAccuracy ? truth : flip(truth);
    const candidate = next() < t.candidateAccuracy ? truth : flip(truth);
    const id = `r${t.seed}-${i}`;
    const base = { prediction_id: id, model_id: spec.modelId, event_time: iso, [spec.features[0].name]: i };
    predictions.push({ ...base, model_version: t.championVersion, variant: 'champion', prediction: champion === '1' ? 0.9 : 0.1, predicted_label: champion });
    if (t.shadowCopies ?? true) predictions.push({ ...base, model_version: t.candidateVersion, variant: 'shadow', prediction: candidate === '1' ? 0.9 : 0.1, predicted_label: candidate });
    if (next() < t.labelledShare) {
      labels.push({ prediction_id: id, label: truth, label_time: iso });
      labelled += 1;
      const key = `${truth}/${champion}/${candidate}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
  }
  await writeFirehoseParquet(engine, { root, prefix: 'predictions', modelId: spec.modelId, dt, hour, columns: predictionColumns(spec), records: predictions, part: t.seed });
  await writeFirehoseParquet(engine, { root, prefix: 'labels', modelId: spec.modelId, dt, hour, columns: groundTruthColumns(spec), records: labels, part: t.seed });
  await registerFirehoseTable(engine, { root, prefix: 'predictions', modelId: spec.modelId, database: names.database, table: names.predictions });
  await registerFirehoseTable(engine, { root, prefix: 'labels', modelId: spec.modelId, database: names.database, table: names.labels });
  return { cells, labelled };
}
