/**
 * How often a schedule fires, as the period of the alarms on what it emits. A window metric is
 * emitted once per score run, stamped at the window's end, so an alarm whose period is the score
 * schedule's rate sees exactly one datapoint per period (1 of 1 evaluates the latest run).
 */
import { Duration } from 'aws-cdk-lib';

const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/** CloudWatch's limit for Period × EvaluationPeriods (seven days; one day for periods under an hour). */
export const MAX_ALARM_RANGE_SECONDS = 7 * 86_400;

/** Seconds between runs of a `cron(...)` that fires at a fixed minute every N minutes/hours, daily or weekly; null otherwise. */
function cronSeconds(fields: readonly string[]): number | null {
  const [minute, hour, dom, month, dow, year = '*'] = fields;
  const any = (f: string) => f === '*' || f === '?';
  const step = (f: string, cycle: number): number | null => {
    const m = /^(?:\*|0)\/(\d+)$/.exec(f);
    return m && Number(m[1]) > 0 && cycle % Number(m[1]) === 0 ? Number(m[1]) : null;
  };
  const fixed = (f: string) => /^\d+$/.test(f);
  if (!any(month) || !any(year) || fields.length < 5 || fields.length > 6) return null;
  if (hour === '*' && any(dom) && any(dow)) {
    const every = step(minute, 60);
    return fixed(minute) ? 3600 : every ? every * 60 : null;
  }
  if (!fixed(minute) || !any(dom)) return null;
  if (any(dow)) {
    const every = step(hour, 24) ?? evenHours(hour);
    return fixed(hour) ? 86_400 : every ? every * 3600 : null;
  }
  // One day of the week, at a fixed hour: weekly.
  return fixed(hour) && /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)$/i.test(dow) ? 7 * 86_400 : null;
}

/** The spacing of an hour list like `0,6,12,18` when it is even around the day; null otherwise. */
function evenHours(field: string): number | null {
  if (!/^\d+(,\d+)+$/.test(field)) return null;
  const hours = field.split(',').map(Number).sort((a, b) => a - b);
  const gap = 24 / hours.length;
  return Number.isInteger(gap) && hours.every((h, i) => h === hours[0] + i * gap && h < 24) ? gap : null;
}

/**
 * The period between runs of an EventBridge schedule expression.
 *
 * @example schedulePeriod('rate(6 hours)')      // Duration.hours(6)
 * @example schedulePeriod('cron(0 6 * * ? *)')  // Duration.days(1)
 * @throws Error naming the expression when its rate cannot be derived (a cron on certain days of the
 *   month, or uneven hours) or when it is longer than the seven days an alarm can look back
 */
export function schedulePeriod(expression: string, what = 'schedule'): Duration {
  const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(expression.trim());
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  const seconds = rate ? Number(rate[1]) * UNIT_SECONDS[rate[2]] : cron ? cronSeconds(cron[1].trim().split(/\s+/)) : null;
  if (seconds === null) {
    throw new Error(
      `${what} ${JSON.stringify(expression)}: cannot tell how often it fires, so the alarms on what it emits cannot get a period; ` +
        'use rate(...) or a cron that fires at a fixed minute every N minutes or hours, daily or weekly (e.g. cron(0 6 * * ? *))',
    );
  }
  if (seconds > MAX_ALARM_RANGE_SECONDS) {
    throw new Error(`${what} ${JSON.stringify(expression)} fires every ${seconds / 86_400} days; an alarm looks back at most 7 days, so score at least weekly`);
  }
  return Duration.seconds(seconds);
}
