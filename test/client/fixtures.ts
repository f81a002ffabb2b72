import { ModelRecordSpec } from '../../lambda/core/schema/record-schema';

export const fraudSpec: ModelRecordSpec = {
  modelId: 'fraud_v2',
  task: 'binary_classification',
  features: [
    { name: 'amount_usd', kind: 'numeric' },
    { name: 'account_age_days', kind: 'numeric' },
    { name: 'country', kind: 'categorical' },
  ],
  businessColumns: [{ name: 'segment', type: 'string' }],
};

/** A valid prediction record of `fraudSpec`; `i` makes ids and values distinct. */
export function fraudRecord(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    prediction_id: `p-${i}`,
    model_id: 'fraud_v2',
    model_version: '7',
    variant: 'champion',
    event_time: `2026-11-24T13:${String(i % 60).padStart(2, '0')}:00Z`,
    amount_usd: 10 + i / 4,
    account_age_days: i % 3 === 0 ? null : i,
    country: ['DE', 'FR', 'US'][i % 3],
    prediction: (i % 100) / 100,
    predicted_label: i % 100 >= 50 ? 'fraud' : 'legit',
    segment: 'retail',
    ...overrides,
  };
}
