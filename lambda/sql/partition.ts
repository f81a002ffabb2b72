/**
 * Partition predicates on the Firehose layout `.../dt=YYYY-MM-DD/hour=HH/` (UTC arrival time). The
 * partition columns are strings ('2026-11-24', '13'), so comparisons are on zero-padded text and
 * every query names them, which is what lets Athena prune partitions (and projection resolve them).
 */
import { quoteIdentifier } from '../core/schema/identifier';
import { SHADOW_VARIANT } from '../core/schema/record-schema';
import { sqlString } from './literal';

export interface HourPartition {
  /** 'YYYY-MM-DD' (UTC) */
  readonly dt: string;
  /** '00'..'23' (UTC) */
  readonly hour: string;
}

const DT = /^\d{4}-\d{2}-\d{2}$/;
const HOUR = /^(?:[01]\d|2[0-3])$/;

/** The first instant a `dt=YYYY-MM-DD` partition can name (0000-01-01T00:00Z). */
export const FIRST_PARTITION_MS = Date.parse('0000-01-01T00:00:00Z');
/** The end of the last hour a `dt=YYYY-MM-DD` partition can name (10000-01-01T00:00Z, exclusive). */
export const END_PARTITION_MS = Date.parse('9999-12-31T23:00:00Z') + 3_600_000;

/**
 * The partition holding `instant` (UTC). Throws for an instant outside years 0000–9999, which a
 * four-digit `dt` cannot name (toISOString would give '+010000-01-01', which sorts before '2024').
 * @example hourPartition(new Date('2026-11-24T13:59:00Z')) // { dt: '2026-11-24', hour: '13' }
 */
export function hourPartition(instant: Date): HourPartition {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new Error('hourPartition: invalid Date');
  if (ms < FIRST_PARTITION_MS || ms >= END_PARTITION_MS) {
    throw new Error(`hourPartition: ${instant.toISOString()} is outside the years 0000-9999 that a dt=YYYY-MM-DD partition can name`);
  }
  const iso = instant.toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/** Throws unless dt is a real 'YYYY-MM-DD' date and hour is '00'..'23'. */
export function checkPartition(p: HourPartition): void {
  if (!DT.test(p.dt) || new Date(`${p.dt}T00:00:00Z`).toISOString().slice(0, 10) !== p.dt) {
    throw new Error(`partition dt ${JSON.stringify(p.dt)} is not a date in the form YYYY-MM-DD`);
  }
  if (!HOUR.test(p.hour)) throw new Error(`partition hour ${JSON.stringify(p.hour)} is not a two-digit hour 00-23`);
}

const dt = () => quoteIdentifier('dt');
const hour = () => quoteIdentifier('hour');

/** `"dt" = '2026-11-24' AND "hour" = '13'` */
export function hourFilter(p: HourPartition, alias?: string): string {
  checkPartition(p);
  const q = alias ? `${quoteIdentifier(alias)}.` : '';
  return `${q}${dt()} = ${sqlString(p.dt)} AND ${q}${hour()} = ${sqlString(p.hour)}`;
}

/**
 * Hours in [start, end): a plain range on dt (prunes whole days in every engine) and the exact hour
 * bounds on (dt, hour). `start` and `end` are truncated to their hour.
 */
export function hourRangeFilter(start: Date, end: Date): string {
  const from = hourPartition(start);
  const to = hourPartition(end);
  if (end.getTime() <= start.getTime()) {
    throw new Error(`hour range is empty: end ${end.toISOString()} is not after start ${start.toISOString()}`);
  }
  const [d0, h0, d1, h1] = [sqlString(from.dt), sqlString(from.hour), sqlString(to.dt), sqlString(to.hour)];
  return (
    `${dt()} BETWEEN ${d0} AND ${d1}` +
    ` AND (${dt()} > ${d0} OR ${hour()} >= ${h0})` +
    ` AND (${dt()} < ${d1} OR ${hour()} < ${h1})`
  );
}

/** Days from start's date to end's date, both included: `"dt" BETWEEN 'd0' AND 'd1'`. */
export function dayRangeFilter(start: Date, end: Date): string {
  return `${dt()} BETWEEN ${sqlString(hourPartition(start).dt)} AND ${sqlString(hourPartition(end).dt)}`;
}

/**
 * The rows the monitor judges: every variant that served the request (champion, challenger), never a
 * shadow copy (`SHADOW_VARIANT`). A NULL variant (a client that sent none) counts as served.
 */
export function servedRowsFilter(): string {
  return `("variant" IS NULL OR "variant" <> ${sqlString(SHADOW_VARIANT)})`;
}
