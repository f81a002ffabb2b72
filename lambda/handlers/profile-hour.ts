/**
 * The hourly profile Lambda: `{}` profiles the newest settled hour and re-profiles the few before it;
 * `{ "hour": "2026-12-01T07:00:00Z" }` profiles that hour (a backfill).
 */
import * as z from 'zod';
import { monitorModelFromConfig } from '../monitor/from-config';
import { runProfile } from '../monitor/run-profile';
import { handlerContext, logger, parseEvent, reportFailure } from './context';

const eventSchema = z
  .object({
    hour: z.iso
      .datetime({ offset: true })
      .refine((s) => Date.parse(s) % 3_600_000 === 0, { message: 'must be the start of an hour, e.g. 2026-12-01T07:00:00Z' })
      .optional(),
  })
  .passthrough();

export const handler = async (event: unknown) => {
  const input = parseEvent(eventSchema, event, 'profile-hour');
  const ctx = handlerContext();
  logger.appendKeys({ env: ctx.env, model: ctx.config.id });
  try {
    const outcome = await runProfile(ctx.ports, monitorModelFromConfig(ctx.env, ctx.config), ctx.tables, ctx.settings, {
      ...(input.hour !== undefined && { hour: new Date(input.hour) }),
    });
    logger.info(outcome.status === 'calibrating' ? (outcome.message ?? 'calibrating') : 'profiled', { hours: outcome.hours });
    return outcome;
  } catch (error) {
    throw await reportFailure(ctx, 'profile', null, error);
  }
};
