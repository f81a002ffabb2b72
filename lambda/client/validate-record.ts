/**
 * Validates a record against its contract and normalises it to the JSON Firehose converts to Parquet.
 */
import { ColumnType } from '../core/schema/record-schema';
import { RecordContract } from './record-contract';

/** A value as it is written to the JSON line. */
export type JsonValue = string | number | null;

export interface FieldProblem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

export type Validation =
  | { readonly ok: true; readonly row: Readonly<Record<string, JsonValue>> }
  | { readonly ok: false; readonly problems: readonly FieldProblem[]; readonly reason: string };

/**
 * ISO-8601 date-time with seconds optional, up to 9 fraction digits and a mandatory zone (Z or ±hh:mm),
 * so a timestamp is never read in some machine's local time.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Formats an instant the way Firehose's OpenX JSON SerDe parses timestamps for Parquet conversion:
 * `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (UTC, millisecond precision), which is `Date#toISOString`.
 */
export function formatFirehoseTimestamp(value: Date): string {
  return value.toISOString();
}

/** Parses an ISO-8601 string (with a zone) or a Date; undefined when it is neither. */
export function parseTimestamp(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(value.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) return undefined;
  // Date.parse rolls 2026-02-30 over to March; reject calendar-invalid fields instead.
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > new Date(Date.UTC(+y, +mo, 0)).getUTCDate()) return undefined;
  if (+h > 23 || +mi > 59 || (s !== undefined && +s > 59)) return undefined;
  return date;
}

const show = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
};

function checkValue(type: ColumnType, value: unknown): { value: JsonValue } | { message: string } {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { value } : { message: 'must be a string' };
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { message: 'must be a finite number' };
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value) ? { value } : { message: 'must be a safe integer' };
    case 'timestamp': {
      const date = parseTimestamp(value);
      return date
        ? { value: formatFirehoseTimestamp(date) }
        : { message: 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-24T13:05:00Z' };
    }
  }
}

/**
 * Checks one record: a plain object, only the contract's fields, required fields present and not null,
 * typed values (numbers finite, strings strings, timestamps ISO-8601 with a zone), enumerated values in
 * their set. Every problem names the field and the value.
 *
 * @example
 *   validateRecord(predictionContract(spec), { prediction_id: 'p1', ... })
 *   // → { ok: false, reason: 'field "age": must be a finite number or null (got "41")', ... }
 */
export function validateRecord(contract: RecordContract, record: unknown): Validation {
  if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof Date) {
    const problems = [{ field: '(record)', value: record, message: `a ${contract.kind} record must be a JSON object` }];
    return { ok: false, problems, reason: `${problems[0].message} (got ${show(record)})` };
  }
  const input = record as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const known = new Set(contract.columns.map((c) => c.name));
  for (const field of Object.keys(input)) {
    if (!known.has(field)) {
      problems.push({
        field,
        value: input[field],
        message: `is not a column of the ${contract.kind} table of model ${contract.modelId}`,
      });
    }
  }
  const required = new Set(contract.required);
  const row: Record<string, JsonValue> = {};
  for (const column of contract.columns) {
    const value = input[column.name];
    if (value === undefined || value === null) {
      if (required.has(column.name)) problems.push({ field: column.name, value, message: 'is required' });
      row[column.name] = null;
      continue;
    }
    const checked = checkValue(column.type, value);
    if ('message' in checked) {
      const orNull = required.has(column.name) ? '' : ' or null';
      problems.push({ field: column.name, value, message: `${checked.message}${orNull}` });
      continue;
    }
    const allowed = contract.allowedValues[column.name];
    if (allowed && !allowed.includes(checked.value as string)) {
      problems.push({ field: column.name, value, message: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(' | ')}` });
      continue;
    }
    row[column.name] = checked.value;
  }
  if (problems.length > 0) {
    const reason = problems.map((p) => `field ${JSON.stringify(p.field)} ${p.message} (got ${show(p.value)})`).join('; ');
    return { ok: false, problems, reason };
  }
  return { ok: true, row };
}
