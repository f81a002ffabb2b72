/**
 * Which channels an alarm notification goes to. By default by the alarm's severity: Critical
 * pages PagerDuty and posts to Slack, Warning posts to Slack only. A topic can override that
 * (`DW_ROUTES`, JSON: `{"<topic ARN>": ["slack"]}`), so a feature routed to "notify only" sends its
 * Critical alarm to a topic that does not page. Resolves follow the same route as their triggers;
 * Slack gets a resolve only for an alarm that was in ALARM (a new alarm's first OK says nothing).
 * Pure: no I/O.
 */
import * as z from 'zod';
import { formatZodIssues } from '../core/schema/format-issues';
import type { AlarmNotification } from './alarm';
import type { Channel } from './links';
import type { AlarmAction, Severity } from './subject';

export const CHANNELS: readonly Channel[] = ['pagerduty', 'slack'];

export type Routes = Readonly<Record<string, readonly Channel[]>>;

const DEFAULT_ROUTES: Readonly<Record<Severity, readonly Channel[]>> = { critical: ['pagerduty', 'slack'], warning: ['slack'] };

const routesSchema = z.record(z.string().min(1), z.array(z.enum(['pagerduty', 'slack'])));

/** Parses `DW_ROUTES`. @throws Error naming the variable and the bad entry */
export function parseRoutes(json: string | undefined): Routes {
  if (json === undefined || json.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`DW_ROUTES is not JSON (${(error as Error).message}); expected {"<topic ARN>": ["pagerduty", "slack"]}`);
  }
  const parsed = routesSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new Error(`DW_ROUTES: ${formatZodIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}

/** The channels of one notification, in a fixed order. */
export function channelsFor(severity: Severity, topicArn: string | null, routes: Routes): Channel[] {
  const routed = (topicArn !== null && routes[topicArn]) || DEFAULT_ROUTES[severity];
  return CHANNELS.filter((c) => routed.includes(c));
}

/** Why a routed channel is left out for this state change, or null to send. */
export function skipReason(channel: Channel, action: AlarmAction, alarm: AlarmNotification): string | null {
  if (channel === 'slack' && action === 'resolve' && alarm.OldStateValue !== 'ALARM') {
    return `not posted: the alarm went ${alarm.OldStateValue} → OK, nothing was open`;
  }
  return null;
}
