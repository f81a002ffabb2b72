/**
 * One hour's sample of a model's feature columns, for the reference fitted from production
 * (`fit-from-production.ts`): drawn with one query (`sampleQuery`), stored at `monitorKeys.hourSample`.
 */
import * as z from 'zod';
import { CorruptObject } from '../ports';
import type { QueryEngine } from '../ports/query-engine';
import { parseSampleRows, sampleHourRows, sampleQuery } from '../sql/sample-query';
import { hourPartition } from '../sql/partition';
import { recordSpecOf, type MonitorModel } from './model';
import type { MonitorTables } from './profile';

export const HOUR_SAMPLE_FORMAT = 'driftwatch.hour-sample/v1' as const;

/** A stored column of a sample: numbers (null = missing) or dictionary codes (-1 = missing). */
export type SampleColumn =
  | { readonly name: string; readonly kind: 'numeric'; readonly values: readonly (number | null)[] }
  | { readonly name: string; readonly kind: 'categorical'; readonly dictionary: readonly string[]; readonly codes: readonly number[] };

/** One hour's sample, as stored at `monitorKeys.hourSample`. */
export interface HourSample {
  readonly format: typeof HOUR_SAMPLE_FORMAT;
  readonly modelId: string;
  /** ISO start of the UTC hour. */
  readonly hour: string;
  /** Rows the hour held when it was sampled. */
  readonly hourRows: number;
  /** The sample limit it was drawn with. */
  readonly limit: number;
  /** Rows in the sample: min(hourRows, limit). */
  readonly rows: number;
  readonly sampledAt: string;
  /** One per feature, named by feature id. */
  readonly columns: readonly SampleColumn[];
}

/** Samples one hour of the model's feature columns with one query. */
export async function sampleHour(query: QueryEngine, model: MonitorModel, tables: MonitorTables, hour: Date, limit: number, now: Date): Promise<HourSample> {
  const spec = recordSpecOf(model);
  const rows = await query.query(sampleQuery({ spec, table: tables.predictions, partition: hourPartition(hour), limit }));
  const data = parseSampleRows(rows, spec);
  return {
    format: HOUR_SAMPLE_FORMAT,
    modelId: model.modelId,
    hour: hour.toISOString(),
    hourRows: sampleHourRows(rows),
    limit,
    rows: data.rowCount,
    sampledAt: now.toISOString(),
    columns: data.columns.map((c): SampleColumn =>
      c.kind === 'numeric'
        ? { name: c.name, kind: 'numeric', values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) }
        : { name: c.name, kind: 'categorical', dictionary: [...c.dictionary], codes: Array.from(c.codes) },
    ),
  };
}

const count = z.number().int().nonnegative();
const hourSampleSchema = z.object({
  format: z.literal(HOUR_SAMPLE_FORMAT),
  modelId: z.string(),
  hour: z.iso.datetime(),
  hourRows: count,
  limit: z.number().int().positive(),
  rows: count,
  sampledAt: z.string(),
  columns: z.array(
    z.discriminatedUnion('kind', [
      z.object({ name: z.string(), kind: z.literal('numeric'), values: z.array(z.number().nullable()) }),
      z.object({ name: z.string(), kind: z.literal('categorical'), dictionary: z.array(z.string()), codes: z.array(z.number().int().min(-1)) }),
    ]),
  ),
});

/**
 * Validates a stored hour sample and checks it holds every feature of the model with its kind.
 * @throws CorruptObject naming the key and the problem (the fitting run then samples the hour again)
 */
export function parseHourSample(json: unknown, key: string, model: Pick<MonitorModel, 'modelId' | 'features'>): HourSample {
  const parsed = hourSampleSchema.safeParse(json);
  if (!parsed.success) throw new CorruptObject(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const sample = parsed.data as HourSample;
  const problems: string[] = [];
  if (sample.modelId !== model.modelId) problems.push(`it is a sample of model ${JSON.stringify(sample.modelId)}`);
  if (sample.rows > sample.hourRows) problems.push(`rows ${sample.rows} exceed hourRows ${sample.hourRows}`);
  for (const f of model.features) {
    const c = sample.columns.find((x) => x.name === f.id);
    if (!c) problems.push(`feature ${JSON.stringify(f.id)} is not in the sample`);
    else if (c.kind !== f.kind) problems.push(`feature ${JSON.stringify(f.id)} is ${c.kind} in the sample but ${f.kind} in the config`);
    else if ((c.kind === 'numeric' ? c.values.length : c.codes.length) !== sample.rows) problems.push(`feature ${JSON.stringify(f.id)} does not hold ${sample.rows} values`);
    else if (c.kind === 'categorical' && c.codes.some((code) => code >= c.dictionary.length)) problems.push(`feature ${JSON.stringify(f.id)} has a code outside its dictionary`);
  }
  if (problems.length > 0) throw new CorruptObject(key, problems.join('; '));
  return sample;
}

