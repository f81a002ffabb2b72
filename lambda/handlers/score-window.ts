/** The scoring Lambda, one schedule per window: `{ "window": "1d" }` scores that window as of now. */
import * as z from 'zod';
import { monitorModelFromConfig } from '../monitor/from-config';
import { runScore } from '../monitor/run-score';
import { handlerContext, logger, parseEvent, reportFailure } from './context';

const eventSchema = z.object({ window: z.string().min(1) }).passthrough();

export const handler = async (event: unknown) => {
  const input = parseEvent(eventSchema, event, 'score-window');
  const ctx = handlerContext();
  logger.appendKeys({ env: ctx.env, model: ctx.config.id, window: input.window });
  try {
    const window = ctx.settings.windows.find((w) => w.name === input.window);
    const model = monitorModelFromConfig(ctx.env, ctx.config, window?.hours);
    const outcome = await runScore(ctx.ports, model, ctx.tables, ctx.settings, input.window);
    logger.info(outcome.status, outcome.status === 'scored' ? { status: outcome.window.status, events: outcome.events.length, report: outcome.reportUri } : { outcome });
    return outcome.status === 'scored' ? { status: 'scored', window: outcome.window.index, windowStatus: outcome.window.status, events: outcome.events.length, reportUri: outcome.reportUri } : outcome;
  } catch (error) {
    throw await reportFailure(ctx, 'score', input.window, error);
  }
};
