/**
 * The UCI bank-marketing data set as prediction records of a binary classifier (the outcome stands in
 * for the model's output), shared by the SQL tests that run on real data.
 */
import type { ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { readDatasetText } from '../support/datasets';

const numeric: Record<string, string> = {
  age: 'age', campaign: 'campaign', pdays: 'pdays', previous: 'previous', 'emp.var.rate': 'emp_var_rate',
  'cons.price.idx': 'cons_price_idx', 'cons.conf.idx': 'cons_conf_idx', euribor3m: 'euribor3m', 'nr.employed': 'nr_employed',
};
const categorical: Record<string, string> = {
  job: 'job', marital: 'marital', education: 'education', default: 'credit_default', housing: 'housing', loan: 'loan',
  contact: 'contact', month: 'month', day_of_week: 'day_of_week', poutcome: 'poutcome',
};

export const bankSpec: ModelRecordSpec = {
  modelId: 'bank_marketing',
  task: 'binary_classification',
  features: [
    ...Object.values(numeric).map((name) => ({ name, kind: 'numeric' as const })),
    ...Object.values(categorical).map((name) => ({ name, kind: 'categorical' as const })),
  ],
};

export function readBank(): Record<string, unknown>[] {
  const lines = readDatasetText('bank-additional-full.csv').trim().split(/\r?\n/);
  const header = lines[0].split(';').map((h) => h.replace(/"/g, ''));
  return lines.slice(1).map((line, i) => {
    const cells = line.split(';').map((c) => c.replace(/"/g, ''));
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j]]));
    const record: Record<string, unknown> = {
      prediction_id: `bank-${i}`,
      model_id: 'bank_marketing',
      model_version: '1',
      variant: 'champion',
      event_time: '2026-11-24T09:30:00.000Z',
      // The outcome stands in for a model's output: the SQL only needs realistic values.
      prediction: raw.y === 'yes' ? 0.8 : 0.2,
      predicted_label: raw.y,
    };
    for (const [source, name] of Object.entries(numeric)) record[name] = Number(raw[source]);
    for (const [source, name] of Object.entries(categorical)) record[name] = raw[source];
    return record;
  });
}
