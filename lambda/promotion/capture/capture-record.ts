/**
 * A captured request and response → a prediction record of the record contract
 * (`lambda/client/RECORD_CONTRACT.md`). The request body holds the features: CSV in the model's
 * feature order (config `features`, one row per request) or a JSON object by feature name. The
 * response holds the prediction: CSV `prediction[,predicted_label]`, a JSON number, or a JSON object
 * `{ "prediction": …, "predicted_label": … }`. `prediction_id` is the request's InferenceId, so the
 * champion's and the shadow's answers to one request pair up (`lambda/sql/shadow-query.ts`).
 */
import { isClassification, type ModelRecordSpec } from '../../core/schema/record-schema';
import type { CapturedPayload, CapturedRequest } from './capture-line';

export interface CaptureTarget {
  readonly spec: ModelRecordSpec;
  /** For a binary classifier whose response has no label: the label of a score ≥ 0.5 and the other one. */
  readonly positiveClass?: string;
  readonly classes?: readonly string[];
}

export type CapturedVariant = 'champion' | 'shadow';

type Value = string | number | null;

/** Splits one CSV row (RFC 4180 quoting). */
export function splitCsvRow(row: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted) {
      if (c === '"' && row[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else field += c;
  }
  fields.push(field);
  return fields;
}

/** The one non-empty line of a CSV body. @throws when it has none or several (one prediction per request) */
function oneCsvRow(body: string, what: string): string[] {
  const rows = body.split(/\r?\n/).filter((r) => r.trim() !== '');
  if (rows.length !== 1) throw new Error(`the ${what} holds ${rows.length} CSV rows; one request is one prediction (one prediction_id)`);
  return splitCsvRow(rows[0]);
}

function parseJson(p: CapturedPayload, what: string): unknown {
  try {
    return JSON.parse(p.text);
  } catch (error) {
    throw new Error(`the ${what} (${p.contentType || 'no content type'}) is not JSON: ${(error as Error).message}`);
  }
}

/** `{ instances: [x] }` / `{ predictions: [x] }` of one item → x (SageMaker's common JSON envelopes). */
function unwrap(value: unknown, envelope: string, what: string): unknown {
  const list = (value as Record<string, unknown> | null)?.[envelope];
  if (!Array.isArray(list)) return value;
  if (list.length !== 1) throw new Error(`the ${what} holds ${list.length} ${envelope}; one request is one prediction`);
  return list[0];
}

function featureValue(name: string, kind: 'numeric' | 'categorical', raw: unknown): Value {
  if (raw === undefined || raw === null || raw === '') return null;
  if (kind === 'categorical') {
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    throw new Error(`feature ${JSON.stringify(name)} (categorical) is ${JSON.stringify(raw)}, not a string`);
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(n)) throw new Error(`feature ${JSON.stringify(name)} (numeric) is ${JSON.stringify(raw)}, not a finite number`);
  return n;
}

/** The features of the request, by the model's names. */
export function requestFeatures(spec: ModelRecordSpec, input: CapturedPayload): Record<string, Value> {
  const out: Record<string, Value> = {};
  if (input.json) {
    const body = unwrap(parseJson(input, 'request'), 'instances', 'request');
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('the JSON request is not an object of feature values by name');
    for (const f of spec.features) out[f.name] = featureValue(f.name, f.kind, (body as Record<string, unknown>)[f.name]);
    return out;
  }
  const fields = oneCsvRow(input.text, 'request');
  if (fields.length !== spec.features.length) {
    throw new Error(`the CSV request has ${fields.length} fields; model ${spec.modelId} has ${spec.features.length} features (${spec.features.map((f) => f.name).join(', ')})`);
  }
  spec.features.forEach((f, i) => (out[f.name] = featureValue(f.name, f.kind, fields[i])));
  return out;
}

/** The response's score and, when it carries one, its label. */
export function responsePrediction(output: CapturedPayload): { prediction: number; label: string | null } {
  let score: unknown;
  let label: unknown = null;
  if (output.json) {
    const body = unwrap(parseJson(output, 'response'), 'predictions', 'response');
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      const o = body as Record<string, unknown>;
      score = o.prediction ?? o.score;
      label = o.predicted_label ?? o.label ?? null;
    } else score = body;
  } else {
    const fields = oneCsvRow(output.text, 'response');
    score = fields[0].trim() === '' ? undefined : Number(fields[0]);
    label = fields.length > 1 && fields[1].trim() !== '' ? fields[1].trim() : null;
  }
  if (typeof score !== 'number' || !Number.isFinite(score)) throw new Error(`the response's prediction is ${JSON.stringify(score ?? null)}, not a finite number`);
  if (label !== null && typeof label !== 'string' && typeof label !== 'number') throw new Error(`the response's predicted_label is ${JSON.stringify(label)}, not a string`);
  return { prediction: score, label: label === null ? null : String(label) };
}

/** The class a binary classifier's score stands for when the response names none. */
function thresholdLabel(target: CaptureTarget, score: number): string {
  const { positiveClass, classes } = target;
  const negative = classes?.length === 2 && positiveClass ? classes.find((c) => c !== positiveClass) : undefined;
  if (target.spec.task !== 'binary_classification' || !positiveClass || !negative) {
    throw new Error(`the response has no predicted_label, and model ${target.spec.modelId} has no binary positiveClass and classes to derive it from (score ≥ 0.5)`);
  }
  return score >= 0.5 ? positiveClass : negative;
}

/** The prediction record of one captured request. @throws Error saying what could not be read */
export function captureToRecord(target: CaptureTarget, variant: CapturedVariant, modelVersion: string, captured: CapturedRequest): Record<string, Value> {
  const { spec } = target;
  const { prediction, label } = responsePrediction(captured.output);
  const record: Record<string, Value> = {
    prediction_id: captured.inferenceId,
    model_id: spec.modelId,
    model_version: modelVersion,
    variant,
    event_time: captured.inferenceTime,
    ...requestFeatures(spec, captured.input),
    prediction,
  };
  if (isClassification(spec.task)) record.predicted_label = label ?? thresholdLabel(target, prediction);
  return record;
}
