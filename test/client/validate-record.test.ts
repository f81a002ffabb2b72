import { groundTruthContract, predictionContract } from '../../lambda/client/record-contract';
import { parseTimestamp, validateRecord } from '../../lambda/client/validate-record';
import { fraudRecord, fraudSpec } from './fixtures';

const contract = predictionContract(fraudSpec);

function reasonFor(record: unknown): string {
  const v = validateRecord(contract, record);
  if (v.ok) throw new Error(`expected ${JSON.stringify(record)} to be rejected`);
  return v.reason;
}

describe('validateRecord (prediction contract)', () => {
  it('accepts a valid record and writes every column, missing optional ones as null', () => {
    const { segment: _segment, ...withoutSegment } = fraudRecord(3);
    const v = validateRecord(contract, withoutSegment);
    expect(v).toEqual({
      ok: true,
      row: {
        prediction_id: 'p-3',
        model_id: 'fraud_v2',
        model_version: '7',
        variant: 'champion',
        event_time: '2026-11-24T13:03:00.000Z',
        amount_usd: 10.75,
        account_age_days: null,
        country: 'DE',
        prediction: 0.03,
        predicted_label: 'legit',
        segment: null,
      },
    });
  });

  it('writes event_time as yyyy-MM-ddTHH:mm:ss.SSSZ in UTC, the form the OpenX JSON SerDe parses', () => {
    const fromOffset = validateRecord(contract, fraudRecord(1, { event_time: '2026-11-24T15:05:07.25+02:00' }));
    const fromDate = validateRecord(contract, fraudRecord(1, { event_time: new Date(Date.UTC(2026, 10, 24, 13, 5, 7, 250)) }));
    expect(fromOffset.ok && fromOffset.row.event_time).toBe('2026-11-24T13:05:07.250Z');
    expect(fromDate.ok && fromDate.row.event_time).toBe('2026-11-24T13:05:07.250Z');
  });

  it('rejects an unknown field, naming it', () => {
    expect(reasonFor(fraudRecord(1, { ip_address: '10.0.0.1' }))).toBe(
      'field "ip_address" is not a column of the prediction table of model fraud_v2 (got "10.0.0.1")',
    );
  });

  it('rejects non-finite and non-numeric values in numeric features, naming field and value', () => {
    expect(reasonFor(fraudRecord(1, { amount_usd: Number.NaN }))).toBe('field "amount_usd" must be a finite number or null (got NaN)');
    expect(reasonFor(fraudRecord(1, { amount_usd: Infinity }))).toContain('(got Infinity)');
    expect(reasonFor(fraudRecord(1, { amount_usd: '41.5' }))).toBe('field "amount_usd" must be a finite number or null (got "41.5")');
  });

  it('rejects a number in a categorical feature', () => {
    expect(reasonFor(fraudRecord(1, { country: 49 }))).toBe('field "country" must be a string or null (got 49)');
  });

  it('rejects a variant outside champion | challenger | shadow and a foreign model_id', () => {
    expect(reasonFor(fraudRecord(1, { variant: 'canary' }))).toBe(
      'field "variant" must be one of "champion" | "challenger" | "shadow" (got "canary")',
    );
    expect(reasonFor(fraudRecord(1, { model_id: 'churn' }))).toBe('field "model_id" must be one of "fraud_v2" (got "churn")');
  });

  it('requires the envelope, the prediction and the predicted label', () => {
    const { prediction_id: _id, prediction: _p, ...rest } = fraudRecord(1);
    expect(reasonFor(rest)).toBe('field "prediction_id" is required (got undefined); field "prediction" is required (got undefined)');
    expect(reasonFor(fraudRecord(1, { predicted_label: null }))).toBe('field "predicted_label" is required (got null)');
  });

  it('rejects timestamps without a zone, with impossible dates, or that are not ISO-8601', () => {
    for (const bad of ['2026-11-24T13:05:00', '2026-02-30T10:00:00Z', '24/11/2026 13:05', 1764000000000]) {
      expect(reasonFor(fraudRecord(1, { event_time: bad }))).toContain('field "event_time" must be an ISO-8601 date-time with a zone');
    }
    expect(parseTimestamp('2026-11-24 13:05:00.123456789Z')?.toISOString()).toBe('2026-11-24T13:05:00.123Z');
  });

  it('rejects something that is not an object', () => {
    expect(reasonFor([fraudRecord(1)])).toMatch(/^a prediction record must be a JSON object \(got \[/);
  });
});

describe('validateRecord (ground-truth contract)', () => {
  it('takes string labels for classification and numbers for regression', () => {
    const classification = groundTruthContract(fraudSpec);
    expect(validateRecord(classification, { prediction_id: 'p-1', label: 'fraud', label_time: '2026-12-01T00:00:00Z' })).toEqual({
      ok: true,
      row: { prediction_id: 'p-1', label: 'fraud', label_time: '2026-12-01T00:00:00.000Z' },
    });
    const regression = groundTruthContract({ modelId: 'eta', task: 'regression' });
    const v = validateRecord(regression, { prediction_id: 'p-1', label: 'late', label_time: '2026-12-01T00:00:00Z' });
    expect(v.ok ? '' : v.reason).toBe('field "label" must be a finite number (got "late")');
  });
});
